using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Core.Tests.Emulator.Conformance;

/// <summary>
/// Checks one recorded call against its service model: every parameter the emulator read resolves through the
/// input shape with the protocol's list encoding (Query <c>Name.member.N</c> or the member's locationName, EC2
/// flattened <c>Name.N</c> with capitalised locationName/queryName, JSON member names); every element it wrote
/// resolves through the output shape (Query <c>{Op}Response/{resultWrapper}</c>, EC2 without wrapper, locationName
/// and <c>member</c>/<c>item</c> lists, maps as <c>entry/key/value</c>) with well-formed scalar values and the
/// required members present; and every error it raised is modelled for the operation or a documented common error,
/// with the modelled HTTP status.
/// </summary>
internal sealed class ModelChecker(ServiceModel model)
{
    // Where AWS itself leaves out members its model marks required, with the source that shows it.
    private static readonly HashSet<(string Service, string Operation, string Shape, string Member)> s_knownOmissions =
    [
        // GetUser called by the root user: the User has no UserName and no Path (the account root is not an IAM
        // user), https://github.com/grycap/scar/pull/181.
        ("iam", "GetUser", "User", "UserName"),
        ("iam", "GetUser", "User", "Path"),
    ];

    public List<string> Check(WireCall call)
    {
        var problems = new List<string>();
        string where = $"{call.Service}:{call.Action}";
        if (!model.HasOperation(call.Action))
        {
            if (call.Errors.Any(e => e.Code is not ("InvalidAction" or "UnknownOperationException")))
            {
                problems.Add($"{where}: not an operation of the {model.Service} model");
            }

            return problems;
        }

        var operation = model.Operation(call.Action);
        foreach (string read in call.Reads.Order(StringComparer.Ordinal))
        {
            if (CheckRead(operation, read) is { } problem)
            {
                problems.Add($"{where}: reads '{read}': {problem}");
            }
        }

        foreach (var xml in call.XmlResponses)
        {
            CheckXmlResponse(where, operation, xml, problems);
        }

        foreach (var json in call.JsonResponses)
        {
            if (operation.Output is null)
            {
                if (json is JsonObject { Count: > 0 })
                {
                    problems.Add($"{where}: the model has no output, but the emulator wrote {json.ToJsonString()}");
                }
            }
            else
            {
                CheckJson(where, operation.Output, json, "", problems);
            }
        }

        foreach (var error in call.Errors)
        {
            CheckError(where, operation, error, problems);
        }

        return problems;
    }

    private string? CheckRead(OperationModel operation, string path)
    {
        if (operation.Input is null)
        {
            return "the operation has no input";
        }

        string[] segments = path.Split('.');
        return model.Protocol == "json"
            ? (model.Members(operation.Input).Any(m => m.Name == path) ? null : $"no member '{path}' in {operation.Input}")
            : ResolveInput(operation.Input, segments, 0);
    }

    private string? ResolveInput(string shape, string[] segments, int index)
    {
        if (index == segments.Length)
        {
            return null;
        }

        string segment = segments[index];
        switch (model.TypeOf(shape))
        {
            case "structure":
                foreach (var (name, reference) in model.Members(shape))
                {
                    if (InputName(name, reference) == segment)
                    {
                        return ResolveInput(ServiceModel.ShapeOf(reference), segments, index + 1);
                    }
                }

                return $"no member serialised as '{segment}' in {shape} (members: {string.Join(", ", model.Members(shape).Select(m => InputName(m.Name, m.Ref)))})";

            case "list":
            {
                var member = model.Part(shape, "member");
                if (model.Protocol == "ec2")
                {
                    // EC2 lists are always flattened: Name.N.
                    return segment == "#" ? ResolveInput(ServiceModel.ShapeOf(member), segments, index + 1) : $"EC2 list {shape} expects an index, not '{segment}'";
                }

                string itemName = ServiceModel.LocationName(member) ?? "member";
                if (segment != itemName)
                {
                    return $"Query list {shape} is serialised as '{itemName}.N', not '{segment}'";
                }

                if (index + 1 < segments.Length && segments[index + 1] != "#")
                {
                    return $"Query list {shape} expects an index after '{itemName}', not '{segments[index + 1]}'";
                }

                return ResolveInput(ServiceModel.ShapeOf(member), segments, index + 2);
            }

            case "map":
            {
                if (segment != "entry")
                {
                    return $"Query map {shape} is serialised as 'entry.N.key/value', not '{segment}'";
                }

                if (index + 2 >= segments.Length)
                {
                    return null;
                }

                var key = model.Part(shape, "key");
                var value = model.Part(shape, "value");
                string part = segments[index + 2];
                if (part == (ServiceModel.LocationName(key) ?? "key"))
                {
                    return ResolveInput(ServiceModel.ShapeOf(key), segments, index + 3);
                }

                return part == (ServiceModel.LocationName(value) ?? "value")
                    ? ResolveInput(ServiceModel.ShapeOf(value), segments, index + 3)
                    : $"Query map {shape} entries have key and value, not '{part}'";
            }

            default:
                return $"{shape} is a {model.TypeOf(shape)}; nothing is nested under it ('{segment}')";
        }
    }

    /// <summary>The parameter name of a member on the wire (botocore QuerySerializer / EC2Serializer).</summary>
    private string InputName(string member, JsonElement reference)
    {
        if (model.Protocol == "ec2")
        {
            if (ServiceModel.QueryName(reference) is { } queryName)
            {
                return queryName;
            }

            return ServiceModel.LocationName(reference) is { Length: > 0 } location
                ? char.ToUpperInvariant(location[0]) + location[1..]
                : member;
        }

        return ServiceModel.LocationName(reference) ?? member;
    }

    private void CheckXmlResponse(string where, OperationModel operation, XElement root, List<string> problems)
    {
        string expectedRoot = operation.Name + "Response";
        if (root.Name.LocalName != expectedRoot)
        {
            problems.Add($"{where}: response root is <{root.Name.LocalName}>, expected <{expectedRoot}>");
        }

        // EC2 responses carry the model namespace with a trailing slash (aws-behaviour.md §0).
        string? ns = model.XmlNamespace;
        bool namespaceOk = model.Protocol == "ec2"
            ? root.Name.NamespaceName == ns || root.Name.NamespaceName == ns + "/"
            : root.Name.NamespaceName == ns;
        if (!namespaceOk)
        {
            problems.Add($"{where}: response namespace is '{root.Name.NamespaceName}', the model's is '{ns}'");
        }

        foreach (var element in root.DescendantsAndSelf())
        {
            if (element.Name.Namespace != root.Name.Namespace)
            {
                problems.Add($"{where}: <{element.Name.LocalName}> is in namespace '{element.Name.NamespaceName}', not the response's");
                break;
            }
        }

        if (model.Protocol == "ec2")
        {
            // No result wrapper: requestId, then the output members directly under the root.
            var members = new XElement(root.Name, root.Elements().Where(e => e.Name.LocalName != "requestId"));
            if (root.Elements().All(e => e.Name.LocalName != "requestId"))
            {
                problems.Add($"{where}: EC2 response without requestId");
            }

            if (operation.Output is not null)
            {
                CheckXml(where, operation, operation.Output, members, "", problems);
            }
            else if (members.HasElements)
            {
                problems.Add($"{where}: the model has no output, but the emulator wrote {members}");
            }

            return;
        }

        var children = root.Elements().ToList();
        var metadata = children.Where(c => c.Name.LocalName == "ResponseMetadata").ToList();
        if (metadata.Count != 1 || metadata[0].Elements().Select(e => e.Name.LocalName).SingleOrDefault() != "RequestId")
        {
            problems.Add($"{where}: expected one <ResponseMetadata><RequestId/></ResponseMetadata>");
        }

        var others = children.Where(c => c.Name.LocalName != "ResponseMetadata").ToList();
        if (operation.Output is null || operation.ResultWrapper is null)
        {
            if (others.Count > 0)
            {
                problems.Add($"{where}: the model has no result wrapper, but the emulator wrote <{others[0].Name.LocalName}>");
            }

            return;
        }

        if (others.Count != 1 || others[0].Name.LocalName != operation.ResultWrapper)
        {
            problems.Add($"{where}: expected the result wrapper <{operation.ResultWrapper}>, found {string.Join(", ", others.Select(o => "<" + o.Name.LocalName + ">"))}");
            return;
        }

        CheckXml(where, operation, operation.Output, others[0], "", problems);
    }

    private void CheckXml(string where, OperationModel operation, string shape, XElement element, string path, List<string> problems)
    {
        string here = path.Length == 0 ? shape : path;
        switch (model.TypeOf(shape))
        {
            case "structure":
            {
                var members = model.Members(shape).ToDictionary(m => ServiceModel.LocationName(m.Ref) ?? m.Name, m => m, StringComparer.Ordinal);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var child in element.Elements())
                {
                    string name = child.Name.LocalName;
                    if (!members.TryGetValue(name, out var member))
                    {
                        problems.Add($"{where}: <{name}> at {here} is not a member of {shape} (members: {string.Join(", ", members.Keys)})");
                        continue;
                    }

                    if (!seen.Add(name))
                    {
                        problems.Add($"{where}: <{name}> appears twice at {here}");
                    }

                    CheckXml(where, operation, ServiceModel.ShapeOf(member.Ref), child, here + "/" + name, problems);
                }

                foreach (string required in model.Required(shape))
                {
                    var reference = members.Values.First(m => m.Name == required);
                    string wireName = ServiceModel.LocationName(reference.Ref) ?? required;
                    if (!seen.Contains(wireName) && !s_knownOmissions.Contains((model.Service, operation.Name, shape, required)))
                    {
                        problems.Add($"{where}: {shape} at {here} lacks the required member <{wireName}>");
                    }
                }

                break;
            }

            case "list":
            {
                var member = model.Part(shape, "member");
                string itemName = ServiceModel.LocationName(member) ?? "member";
                foreach (var child in element.Elements())
                {
                    if (child.Name.LocalName != itemName)
                    {
                        problems.Add($"{where}: list {shape} at {here} holds <{child.Name.LocalName}>, expected <{itemName}>");
                        continue;
                    }

                    CheckXml(where, operation, ServiceModel.ShapeOf(member), child, here + "/" + itemName, problems);
                }

                if (!element.HasElements && element.Value.Length > 0)
                {
                    problems.Add($"{where}: list {shape} at {here} holds text '{element.Value}'");
                }

                break;
            }

            case "map":
            {
                var key = model.Part(shape, "key");
                var value = model.Part(shape, "value");
                string keyName = ServiceModel.LocationName(key) ?? "key";
                string valueName = ServiceModel.LocationName(value) ?? "value";
                foreach (var entry in element.Elements())
                {
                    var parts = entry.Elements().Select(e => e.Name.LocalName).ToList();
                    if (entry.Name.LocalName != "entry" || parts.Count != 2 || !parts.Contains(keyName) || !parts.Contains(valueName))
                    {
                        problems.Add($"{where}: map {shape} at {here} holds <{entry.Name.LocalName}> with [{string.Join(", ", parts)}], expected <entry> with <{keyName}> and <{valueName}>");
                        continue;
                    }

                    CheckXml(where, operation, ServiceModel.ShapeOf(key), entry.Elements().First(e => e.Name.LocalName == keyName), here + "/entry/" + keyName, problems);
                    CheckXml(where, operation, ServiceModel.ShapeOf(value), entry.Elements().First(e => e.Name.LocalName == valueName), here + "/entry/" + valueName, problems);
                }

                break;
            }

            default:
                if (element.HasElements)
                {
                    problems.Add($"{where}: {shape} at {here} is a {model.TypeOf(shape)} but holds elements");
                }
                else if (CheckScalar(shape, element.Value, xml: true) is { } problem)
                {
                    problems.Add($"{where}: {here} = '{element.Value}': {problem}");
                }

                break;
        }
    }

    private void CheckJson(string where, string shape, JsonNode? node, string path, List<string> problems)
    {
        string here = path.Length == 0 ? shape : path;
        if (node is null)
        {
            problems.Add($"{where}: {here} is null; JSON services leave out absent members");
            return;
        }

        switch (model.TypeOf(shape))
        {
            case "structure":
                if (node is not JsonObject obj)
                {
                    problems.Add($"{where}: {here} should be an object ({shape})");
                    return;
                }

                var members = model.Members(shape).ToDictionary(m => ServiceModel.LocationName(m.Ref) ?? m.Name, m => m, StringComparer.Ordinal);
                foreach (var (name, value) in obj)
                {
                    if (!members.TryGetValue(name, out var member))
                    {
                        problems.Add($"{where}: \"{name}\" at {here} is not a member of {shape} (members: {string.Join(", ", members.Keys)})");
                        continue;
                    }

                    CheckJson(where, ServiceModel.ShapeOf(member.Ref), value, here + "." + name, problems);
                }

                foreach (string required in model.Required(shape))
                {
                    if (!obj.ContainsKey(required))
                    {
                        problems.Add($"{where}: {shape} at {here} lacks the required member \"{required}\"");
                    }
                }

                break;

            case "list":
                if (node is not JsonArray array)
                {
                    problems.Add($"{where}: {here} should be an array ({shape})");
                    return;
                }

                string memberShape = ServiceModel.ShapeOf(model.Part(shape, "member"));
                for (int i = 0; i < array.Count; i++)
                {
                    CheckJson(where, memberShape, array[i], $"{here}[{i}]", problems);
                }

                break;

            case "map":
                if (node is not JsonObject map)
                {
                    problems.Add($"{where}: {here} should be an object ({shape})");
                    return;
                }

                string valueShape = ServiceModel.ShapeOf(model.Part(shape, "value"));
                foreach (var (name, value) in map)
                {
                    CheckJson(where, valueShape, value, $"{here}[{name}]", problems);
                }

                break;

            default:
            {
                if (node is not JsonValue value)
                {
                    problems.Add($"{where}: {here} should be a {model.TypeOf(shape)} value");
                    return;
                }

                string type = model.TypeOf(shape);
                var kind = value.GetValueKind();
                bool kindOk = type switch
                {
                    "string" or "blob" => kind == JsonValueKind.String,
                    "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
                    "integer" or "long" or "double" or "float" or "timestamp" => kind == JsonValueKind.Number,
                    _ => true,
                };
                if (!kindOk)
                {
                    problems.Add($"{where}: {here} is a JSON {kind}, the model says {type}");
                }
                else if (kind == JsonValueKind.String && CheckScalar(shape, value.GetValue<string>(), xml: false) is { } problem)
                {
                    problems.Add($"{where}: {here}: {problem}");
                }

                break;
            }
        }
    }

    private string? CheckScalar(string shape, string text, bool xml)
    {
        string type = model.TypeOf(shape);
        switch (type)
        {
            case "boolean":
                return text is "true" or "false" ? null : "not a boolean (true|false)";
            case "integer":
            case "long":
                return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null : "not an integer";
            case "double":
            case "float":
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : "not a number";
            case "timestamp":
                // XML protocols send ISO 8601 (botocore's default for query/ec2).
                return xml && DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.fff'Z'"],
                    CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _) ? null : "not an ISO 8601 UTC timestamp";
            case "blob":
                Span<byte> buffer = new byte[text.Length];
                return Convert.TryFromBase64String(text, buffer, out _) ? null : "not base64";
            default:
                return model.Enum(shape) is { } values && !values.Contains(text, StringComparer.Ordinal)
                    ? $"not one of the {shape} values [{string.Join(", ", values)}]"
                    : null;
        }
    }

    private void CheckError(string where, OperationModel operation, WireError error, List<string> problems)
    {
        if (error.Code is "InternalFailure" or "InternalError")
        {
            problems.Add($"{where}: the emulator failed internally ({error.Code}, {error.HttpStatus})");
            return;
        }

        var modelled = operation.Errors.FirstOrDefault(e => e.Code == error.Code);
        if (modelled is not null)
        {
            if (modelled.HttpStatus != error.HttpStatus)
            {
                problems.Add($"{where}: {error.Code} answered with HTTP {error.HttpStatus}; the model says {modelled.HttpStatus}");
            }

            if (model.Protocol != "json" && modelled.SenderFault is bool sender && sender != error.SenderFault)
            {
                problems.Add($"{where}: {error.Code} answered as {(error.SenderFault ? "Sender" : "Receiver")}; the model says {(sender ? "Sender" : "Receiver")}");
            }

            return;
        }

        if (!CommonErrors.TryGet(model.Service, model.Protocol, error.Code, out int? status))
        {
            problems.Add($"{where}: error code {error.Code} is neither modelled for the operation ({string.Join(", ", operation.Errors.Select(e => e.Code))}) nor a documented common error");
        }
        else if (status is int expected && expected != error.HttpStatus)
        {
            problems.Add($"{where}: common error {error.Code} answered with HTTP {error.HttpStatus}; documented as {expected}");
        }
    }
}
