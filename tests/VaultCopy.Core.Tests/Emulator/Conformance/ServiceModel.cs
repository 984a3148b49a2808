using System.Collections.Concurrent;
using System.Text.Json;

namespace VaultCopy.Core.Tests.Emulator.Conformance;

/// <summary>
/// One botocore service model (tests/aws-models/{service}/service-2.json, trimmed to the operations VaultCopy and the
/// emulator use): operations, shapes and errors, read at test time so that the emulator is checked against them.
/// </summary>
internal sealed class ServiceModel
{
    private static readonly ConcurrentDictionary<string, ServiceModel> s_loaded = new(StringComparer.Ordinal);

    private readonly JsonElement _operations;
    private readonly JsonElement _shapes;

    private ServiceModel(string service, JsonElement root)
    {
        Service = service;
        var metadata = root.GetProperty("metadata");
        Protocol = metadata.GetProperty("protocol").GetString()!;
        XmlNamespace = metadata.TryGetProperty("xmlNamespace", out var ns) ? ns.GetString() : null;
        _operations = root.GetProperty("operations");
        _shapes = root.GetProperty("shapes");
    }

    public string Service { get; }

    /// <summary>query, ec2 or json.</summary>
    public string Protocol { get; }

    public string? XmlNamespace { get; }

    /// <summary>The model of a signing name's service; the folder names under aws-models are the signing names.</summary>
    public static ServiceModel For(string service) => s_loaded.GetOrAdd(service, static s =>
    {
        string path = Path.Combine(ModelsDirectory(), s, "service-2.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return new ServiceModel(s, document.RootElement.Clone());
    });

    /// <summary>The repository's trimmed models, one folder per signing name (<see cref="RepoPaths.AwsModels"/>).</summary>
    public static string ModelsDirectory()
    {
        string directory = RepoPaths.AwsModels;
        return Directory.Exists(directory)
            ? directory
            : throw new DirectoryNotFoundException($"The trimmed service models are missing: {directory} (regenerate them with Update-AwsModels.ps1 there).");
    }

    public bool HasOperation(string name) => _operations.TryGetProperty(name, out _);

    public OperationModel Operation(string name)
    {
        var op = _operations.GetProperty(name);
        string? input = op.TryGetProperty("input", out var i) ? i.GetProperty("shape").GetString() : null;
        string? output = null;
        string? wrapper = null;
        if (op.TryGetProperty("output", out var o))
        {
            output = o.GetProperty("shape").GetString();
            wrapper = o.TryGetProperty("resultWrapper", out var w) ? w.GetString() : null;
        }

        var errors = op.TryGetProperty("errors", out var e)
            ? e.EnumerateArray().Select(x => ErrorOf(x.GetProperty("shape").GetString()!)).ToList()
            : [];
        return new OperationModel(name, input, output, wrapper, errors);
    }

    public JsonElement Shape(string name) => _shapes.GetProperty(name);

    public string TypeOf(string shape) => Shape(shape).GetProperty("type").GetString()!;

    /// <summary>The wire code of an error shape (its <c>error.code</c>, else the shape name), status and fault side.</summary>
    public ModelError ErrorOf(string shape)
    {
        var element = Shape(shape);
        string code = shape;
        int status = 400;
        bool? senderFault = null;
        if (element.TryGetProperty("error", out var error))
        {
            if (error.TryGetProperty("code", out var c))
            {
                code = c.GetString()!;
            }

            if (error.TryGetProperty("httpStatusCode", out var s))
            {
                status = s.GetInt32();
            }

            if (error.TryGetProperty("senderFault", out var f))
            {
                senderFault = f.GetBoolean();
            }
        }

        return new ModelError(shape, code, status, senderFault);
    }

    /// <summary>Members of a structure: name → member reference (shape, locationName, queryName, …).</summary>
    public IEnumerable<(string Name, JsonElement Ref)> Members(string structure) =>
        Shape(structure).TryGetProperty("members", out var members)
            ? members.EnumerateObject().Select(p => (p.Name, p.Value))
            : [];

    public IReadOnlyList<string> Required(string structure) =>
        Shape(structure).TryGetProperty("required", out var required)
            ? required.EnumerateArray().Select(r => r.GetString()!).ToList()
            : [];

    public IReadOnlyList<string>? Enum(string shape) =>
        Shape(shape).TryGetProperty("enum", out var values) ? values.EnumerateArray().Select(v => v.GetString()!).ToList() : null;

    /// <summary>The list's member reference, or a map's key/value reference.</summary>
    public JsonElement Part(string shape, string part) => Shape(shape).GetProperty(part);

    public static string? LocationName(JsonElement reference) =>
        reference.TryGetProperty("locationName", out var name) ? name.GetString() : null;

    public static string? QueryName(JsonElement reference) =>
        reference.TryGetProperty("queryName", out var name) ? name.GetString() : null;

    public static string ShapeOf(JsonElement reference) => reference.GetProperty("shape").GetString()!;
}

internal sealed record OperationModel(string Name, string? Input, string? Output, string? ResultWrapper, IReadOnlyList<ModelError> Errors);

internal sealed record ModelError(string Shape, string Code, int HttpStatus, bool? SenderFault);
