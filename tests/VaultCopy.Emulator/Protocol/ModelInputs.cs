using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace VaultCopy.Emulator.Protocol;

/// <summary>
/// Which wire parameters each operation's input shape defines, read from the trimmed service models embedded in the
/// emulator (tests/aws-models/&lt;service&gt;/service-2.json). A parameter name is walked through the input shape the way
/// the protocol serializes it:
/// <list type="bullet">
/// <item>EC2: a member as its <c>queryName</c>, else its capitalised <c>locationName</c>, else its name; every list
/// flattened (<c>SnapshotId.1</c>, <c>Filter.1.Name</c>, <c>Filter.1.Value.2</c>, <c>TagSpecification.1.Tag.1.Key</c>);</item>
/// <item>Query: a member by its <c>locationName</c> or name; lists <c>Name.member.N</c> or, with a member
/// <c>locationName</c>, <c>Name.{that}.N</c> (flattened lists <c>Name.N</c>); maps <c>Name.entry.N.key|value</c>;
/// an empty list as <c>Name=</c>;</item>
/// <item>JSON: top-level members by name.</item>
/// </list>
/// Every parameter the model defines is accepted, whether the emulator reads it or not.
/// </summary>
public static class ModelInputs
{
    private static readonly ConcurrentDictionary<string, ServiceModel?> s_models = new(StringComparer.Ordinal);

    /// <summary>The first parameter (by name order) that the operation's input shape does not define, or null when all
    /// are defined or the model does not list the operation (the service then answers for the operation itself).</summary>
    public static string? FirstUnknown(AwsServiceInfo service, string operation, IEnumerable<string> parameterNames)
    {
        ArgumentNullException.ThrowIfNull(service);
        var model = s_models.GetOrAdd(service.SigningName, Load);
        if (model is null || !model.Inputs.TryGetValue(operation, out var input))
        {
            return null;
        }

        foreach (string name in parameterNames.Order(StringComparer.Ordinal))
        {
            if (!model.Accepts(input, name.Split('.'), 0))
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>Every parameter (by name order) the operation's input shape does not define; empty when the model
    /// does not list the operation.</summary>
    public static IReadOnlyList<string> AllUnknown(AwsServiceInfo service, string operation, IEnumerable<string> parameterNames)
    {
        ArgumentNullException.ThrowIfNull(service);
        var model = s_models.GetOrAdd(service.SigningName, Load);
        if (model is null || !model.Inputs.TryGetValue(operation, out var input))
        {
            return [];
        }

        // JSON bodies are checked by their top-level member names; the wire forms below those are JSON's own.
        return parameterNames.Order(StringComparer.Ordinal)
            .Where(name => model.IsJson ? !model.HasMember(input, name) : !model.Accepts(input, name.Split('.'), 0))
            .ToList();
    }

    /// <summary>True when the operation's input structure has a member sent as <paramref name="wireName"/> (the part of
    /// a parameter name before its first dot).</summary>
    public static bool DefinesTopLevel(AwsServiceInfo service, string operation, string wireName) =>
        s_models.GetOrAdd(service.SigningName, Load) is { } model && model.Inputs.TryGetValue(operation, out var input)
        && model.HasMember(input, wireName);

    private static ServiceModel? Load(string signingName)
    {
        // %(RecursiveDir) in the resource name is "ec2/" or "ec2\" depending on the build machine.
        var assembly = typeof(ModelInputs).Assembly;
        string? resource = assembly.GetManifestResourceNames().FirstOrDefault(n =>
            string.Equals(n.Replace('\\', '/'), $"VaultCopy.Emulator.AwsModels.{signingName}/service-2.json", StringComparison.Ordinal));
        using var stream = resource is null ? null : assembly.GetManifestResourceStream(resource);
        if (stream is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        string protocol = root.GetProperty("metadata").GetProperty("protocol").GetString() ?? "query";
        var shapes = root.GetProperty("shapes").Clone();
        var inputs = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var operation in root.GetProperty("operations").EnumerateObject())
        {
            inputs[operation.Name] = operation.Value.TryGetProperty("input", out var input) ? input.GetProperty("shape").GetString() : null;
        }

        return new ServiceModel(protocol, shapes, inputs);
    }

    private sealed class ServiceModel(string protocol, JsonElement shapes, Dictionary<string, string?> inputs)
    {
        public Dictionary<string, string?> Inputs { get; } = inputs;

        private bool IsEc2 => protocol == "ec2";

        public bool IsJson => protocol == "json";

        public bool HasMember(string? shapeName, string wireName) =>
            shapeName is not null && shapes.TryGetProperty(shapeName, out var shape) && shape.GetProperty("type").GetString() == "structure"
            && Member(shape, wireName) is not null;

        public bool Accepts(string? shapeName, string[] segments, int index)
        {
            if (shapeName is null || !shapes.TryGetProperty(shapeName, out var shape))
            {
                return false;
            }

            string type = shape.GetProperty("type").GetString() ?? string.Empty;
            bool atEnd = index == segments.Length;
            switch (type)
            {
                case "structure":
                    return !atEnd && Member(shape, segments[index]) is { } member && Accepts(member, segments, index + 1);
                case "list":
                    return AcceptsList(shape, segments, index);
                case "map":
                    return AcceptsMap(shape, segments, index);
                default:
                    return atEnd;
            }
        }

        private bool AcceptsList(JsonElement shape, string[] segments, int index)
        {
            // An empty list is sent as the bare name (Query "Name="); EC2 omits it, but the name is still the model's.
            if (index == segments.Length)
            {
                return true;
            }

            var member = shape.GetProperty("member");
            string? memberShape = member.GetProperty("shape").GetString();
            bool flattened = IsEc2 || (shape.TryGetProperty("flattened", out var f) && f.GetBoolean());
            if (!flattened)
            {
                string wrapper = member.TryGetProperty("locationName", out var location) ? location.GetString()! : "member";
                if (!string.Equals(segments[index], wrapper, StringComparison.Ordinal))
                {
                    return false;
                }

                index++;
            }

            return index < segments.Length && IsIndex(segments[index]) && Accepts(memberShape, segments, index + 1);
        }

        private bool AcceptsMap(JsonElement shape, string[] segments, int index)
        {
            bool flattened = shape.TryGetProperty("flattened", out var f) && f.GetBoolean();
            if (!flattened)
            {
                if (index >= segments.Length || segments[index] != "entry")
                {
                    return false;
                }

                index++;
            }

            if (index + 1 >= segments.Length || !IsIndex(segments[index]))
            {
                return false;
            }

            string part = segments[index + 1];
            var key = shape.GetProperty("key");
            var value = shape.GetProperty("value");
            string keyName = key.TryGetProperty("locationName", out var k) ? k.GetString()! : "key";
            string valueName = value.TryGetProperty("locationName", out var v) ? v.GetString()! : "value";
            return part == keyName ? Accepts(key.GetProperty("shape").GetString(), segments, index + 2)
                : part == valueName && Accepts(value.GetProperty("shape").GetString(), segments, index + 2);
        }

        private string? Member(JsonElement structure, string wireName)
        {
            foreach (var member in structure.GetProperty("members").EnumerateObject())
            {
                if (string.Equals(WireName(member.Name, member.Value), wireName, StringComparison.Ordinal))
                {
                    return member.Value.GetProperty("shape").GetString();
                }
            }

            return null;
        }

        private string WireName(string name, JsonElement member)
        {
            if (IsEc2)
            {
                if (member.TryGetProperty("queryName", out var queryName))
                {
                    return queryName.GetString()!;
                }

                if (member.TryGetProperty("locationName", out var location) && location.GetString() is { Length: > 0 } l)
                {
                    return char.ToUpperInvariant(l[0]) + l[1..];
                }

                return name;
            }

            return member.TryGetProperty("locationName", out var queryLocation) ? queryLocation.GetString()! : name;
        }

        private static bool IsIndex(string segment) =>
            int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && segment[0] != '0';
    }
}
