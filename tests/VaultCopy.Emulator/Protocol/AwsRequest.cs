using System.Text.Json;
using VaultCopy.Emulator.Hosting;
using VaultCopy.Emulator.Model;

namespace VaultCopy.Emulator.Protocol;

/// <summary>An authenticated AWS API call, handed to the service plug-in that owns <see cref="Service"/>.</summary>
public sealed class AwsRequest
{
    public required AwsServiceInfo Service { get; init; }

    /// <summary>The Region from the SigV4 credential scope (never from Host).</summary>
    public required string Region { get; init; }

    /// <summary>The operation: Query/EC2 <c>Action</c>, or the part of <c>X-Amz-Target</c> after the dot.</summary>
    public required string Action { get; init; }

    /// <summary>Form and query parameters (Query/EC2); empty for JSON.</summary>
    public required QueryParameters Parameters { get; init; }

    /// <summary>The JSON body (JSON 1.1); an empty object for Query/EC2.</summary>
    public required JsonParameters Json { get; init; }

    public required Caller Caller { get; init; }

    public required World World { get; init; }

    public required EmulatorClock Clock { get; init; }

    public required EmulatorSettings Settings { get; init; }

    public required string RequestId { get; init; }

    /// <summary>True for query-string (presigned) authentication.</summary>
    public bool Presigned { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Headers { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);

    public AwsProtocol Protocol => Service.Protocol;

    public string SigningName => Service.SigningName;

    /// <summary><c>sts:AssumeRole</c>-style name of this operation (IAM action naming).</summary>
    public string IamAction => SigningName + ":" + Action;

    /// <summary>The account that owns this call's Region-scoped state: the caller's account.</summary>
    public Account CallerAccount => World.FindAccount(Caller.AccountId)
        ?? throw new AwsServiceException("InternalFailure", "The caller's account no longer exists.", 500, senderFault: false);

    /// <summary>The caller's account state in this Region (created on first use). Call under <c>World.Sync</c>.</summary>
    public AccountRegion CallerRegion => CallerAccount.Region(Region);

    /// <summary>The error for an operation the service does not implement, in the protocol's real form.</summary>
    public AwsServiceException UnknownAction() => UnknownActionError(Service, Action);

    public static AwsServiceException UnknownActionError(AwsServiceInfo service, string action)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.Protocol switch
        {
            AwsProtocol.Ec2 => new AwsServiceException("InvalidAction", $"The action {action} is not valid for this web service."),
            AwsProtocol.Json => new AwsServiceException("UnknownOperationException", null),
            _ => new AwsServiceException("InvalidAction", $"Could not find operation {action} for version {service.ApiVersion}"),
        };
    }

    internal static JsonParameters EmptyJson { get; } = new(default(JsonElement));
}
