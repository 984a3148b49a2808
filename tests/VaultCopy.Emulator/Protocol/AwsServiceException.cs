namespace VaultCopy.Emulator.Protocol;

/// <summary>
/// The one error type a service plug-in throws. The pipeline renders it in the protocol's real envelope: Query
/// <c>&lt;ErrorResponse&gt;</c>, EC2 <c>&lt;Response&gt;&lt;Errors&gt;</c>, JSON <c>{"__type","message"}</c>.
/// Use the exact code of the model (e.g. <c>DBSnapshotNotFound</c>, not <c>DBSnapshotNotFoundFault</c>): the .NET
/// SDK maps codes to typed exceptions by string equality.
/// </summary>
public sealed class AwsServiceException : Exception
{
    public AwsServiceException(string code, string? message, int httpStatus = 400, bool senderFault = true)
        : base(message ?? code)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        Code = code;
        AwsMessage = message;
        HttpStatus = httpStatus;
        SenderFault = senderFault;
    }

    public string Code { get; }

    /// <summary>The message on the wire; null leaves it out (JSON) or empty (XML), as some services do.</summary>
    public string? AwsMessage { get; }

    public int HttpStatus { get; }

    /// <summary>Query envelope <c>Type</c>: Sender (client fault) or Receiver (server fault).</summary>
    public bool SenderFault { get; }

    /// <summary>Extra response headers (e.g. none today; reserved for throttling hints).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
