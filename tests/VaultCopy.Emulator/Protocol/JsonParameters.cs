using System.Text.Json;

namespace VaultCopy.Emulator.Protocol;

/// <summary>Readers over a JSON 1.1 request body; constraint failures use <c>ValidationException</c> as KMS/SSM do.</summary>
public sealed class JsonParameters(JsonElement body)
{
    public JsonElement Body { get; } = body.ValueKind == JsonValueKind.Object ? body : EmptyObject();

    public bool Has(string name) => GetElement(name) is not null;

    public JsonElement? GetElement(string name)
    {
        WireCall.RecordRead(name);
        return Body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    public string? GetString(string name) => GetElement(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } e => e.GetString(),
        _ => throw Serialization(name, "a string"),
    };

    public string RequiredString(string name) =>
        GetString(name) ?? throw QueryParameters.MissingParameter(AwsProtocol.Json, name);

    public int? GetInt(string name) => GetElement(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } e when e.TryGetInt32(out int v) => v,
        _ => throw Serialization(name, "an integer"),
    };

    public bool? GetBool(string name) => GetElement(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw Serialization(name, "a boolean"),
    };

    public IReadOnlyList<string>? GetStringList(string name) => GetElement(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Array } e => e.EnumerateArray().Select(i => i.ValueKind == JsonValueKind.String ? i.GetString()! : throw Serialization(name, "a list of strings")).ToList(),
        _ => throw Serialization(name, "a list"),
    };

    /// <summary>String-to-string map (e.g. KMS EncryptionContext).</summary>
    public IReadOnlyDictionary<string, string>? GetStringMap(string name) => GetElement(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Object } e => e.EnumerateObject().ToDictionary(
            p => p.Name,
            p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw Serialization(name, "a map of strings"),
            StringComparer.Ordinal),
        _ => throw Serialization(name, "a map"),
    };

    private static AwsServiceException Serialization(string name, string expected) =>
        new("SerializationException", $"Member {name} must be {expected}.");

    private static JsonElement EmptyObject()
    {
        using var doc = JsonDocument.Parse("{}");
        return doc.RootElement.Clone();
    }
}
