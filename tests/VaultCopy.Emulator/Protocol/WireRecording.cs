using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace VaultCopy.Emulator.Protocol;

/// <summary>
/// Records, per server, what each operation read from its request and wrote to its response, so that the
/// model-conformance test can check every name against aws-models/*/service-2.json. Off by default; when off the
/// parameter readers and response writers pay one AsyncLocal read.
/// </summary>
public sealed class WireRecorder
{
    // The call being recorded in this async flow: the pipeline sets it once the operation is known, and the readers
    // and writers running inside the plug-in find it here without the plug-ins knowing about recording.
    private static readonly AsyncLocal<WireCall?> s_current = new();

    private readonly ConcurrentQueue<WireCall> _calls = new();
    private volatile bool _enabled;

    public bool Enabled
    {
        get => _enabled;
        set => _enabled = value;
    }

    /// <summary>The finished calls, oldest first.</summary>
    public IReadOnlyList<WireCall> Calls => _calls.ToArray();

    public void Clear() => _calls.Clear();

    internal static WireCall? Current => s_current.Value;

    /// <summary>Starts recording one call in the caller's async flow; null when the recorder is off.</summary>
    internal WireCall? Begin(AwsServiceInfo service, string action)
    {
        if (!_enabled)
        {
            return null;
        }

        var call = new WireCall(service.SigningName, service.Protocol, action, service.XmlNamespace);
        s_current.Value = call;
        return call;
    }

    internal void End(WireCall call, int status)
    {
        call.Status = status;
        s_current.Value = null;
        _calls.Enqueue(call);
    }
}

/// <summary>One recorded call: the parameters the plug-in read, what it wrote, and the errors it raised.</summary>
public sealed class WireCall
{
    private readonly object _lock = new();
    private readonly HashSet<string> _reads = new(StringComparer.Ordinal);
    private readonly List<XElement> _xml = [];
    private readonly List<JsonNode> _json = [];
    private readonly List<WireError> _errors = [];

    internal WireCall(string service, AwsProtocol protocol, string action, string? xmlNamespace)
    {
        Service = service;
        Protocol = protocol;
        Action = action;
        XmlNamespace = xmlNamespace;
    }

    /// <summary>The signing name (sts, iam, kms, ec2, rds, ssm).</summary>
    public string Service { get; }

    public AwsProtocol Protocol { get; }

    public string Action { get; }

    public string? XmlNamespace { get; }

    public int Status { get; internal set; }

    /// <summary>
    /// Query/EC2 parameter paths with list indices replaced by <c>#</c> (<c>Tags.member.#.Key</c>,
    /// <c>UserId.#</c>); JSON top-level member names.
    /// </summary>
    public IReadOnlyCollection<string> Reads
    {
        get
        {
            lock (_lock)
            {
                return _reads.ToList();
            }
        }
    }

    /// <summary>Successful XML responses as written (the whole <c>{Op}Response</c> tree, namespaced).</summary>
    public IReadOnlyList<XElement> XmlResponses
    {
        get
        {
            lock (_lock)
            {
                return _xml.ToList();
            }
        }
    }

    /// <summary>Successful JSON 1.1 response bodies.</summary>
    public IReadOnlyList<JsonNode> JsonResponses
    {
        get
        {
            lock (_lock)
            {
                return _json.ToList();
            }
        }
    }

    public IReadOnlyList<WireError> Errors
    {
        get
        {
            lock (_lock)
            {
                return _errors.ToList();
            }
        }
    }

    /// <summary>Notes a parameter read on the call being recorded in this async flow, if any.</summary>
    internal static void RecordRead(string path) => WireRecorder.Current?.AddRead(path);

    internal void AddRead(string path)
    {
        string normalised = NormaliseIndices(path);
        lock (_lock)
        {
            _reads.Add(normalised);
        }
    }

    internal void AddXml(XElement root)
    {
        var copy = new XElement(root);
        lock (_lock)
        {
            _xml.Add(copy);
        }
    }

    internal void AddJson(JsonNode? body)
    {
        var copy = body?.DeepClone() ?? new JsonObject();
        lock (_lock)
        {
            _json.Add(copy);
        }
    }

    internal void AddError(AwsServiceException error)
    {
        lock (_lock)
        {
            _errors.Add(new WireError(error.Code, error.HttpStatus, error.SenderFault));
        }
    }

    private static string NormaliseIndices(string path)
    {
        var parts = path.Split('.');
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length > 0 && parts[i].All(char.IsAsciiDigit))
            {
                parts[i] = "#";
            }
        }

        return string.Join('.', parts);
    }
}

/// <summary>An error a call raised, as rendered on the wire.</summary>
public sealed record WireError(string Code, int HttpStatus, bool SenderFault);
