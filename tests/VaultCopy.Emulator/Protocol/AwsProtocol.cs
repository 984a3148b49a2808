namespace VaultCopy.Emulator.Protocol;

/// <summary>The three wire protocols of the services VaultCopy talks to (aws-behaviour.md §0).</summary>
public enum AwsProtocol
{
    /// <summary>AWS query (STS, IAM, RDS): form POST, <c>&lt;OpResponse&gt;&lt;OpResult&gt;</c>, <c>&lt;ErrorResponse&gt;</c>.</summary>
    Query,

    /// <summary>EC2 query: form POST, no Result wrapper, <c>&lt;Response&gt;&lt;Errors&gt;</c> with <c>RequestID</c>.</summary>
    Ec2,

    /// <summary>AWS JSON 1.1 (KMS, SSM): <c>X-Amz-Target</c>, <c>{"__type": …}</c> errors.</summary>
    Json,
}
