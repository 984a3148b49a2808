using System.Management.Automation;
using System.Reflection;
using VaultCopy.Completion;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Errors;

namespace VaultCopy.Commands;

/// <summary>
/// <para type="synopsis">Connects to an AWS account (origin or vault) and returns it as a VaultAccount.</para>
/// <para type="description">Credentials and Region follow AWS Tools for PowerShell: explicit keys, -Credential,
/// -ProfileName, the session defaults ($StoredAWSCredentials, $StoredAWSRegion), then the SDK default chain.
/// With -RoleArn the role is assumed (from -SourceAccount when given) and renewed automatically.</para>
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "VaultAccount")]
[OutputType(typeof(VaultAccount))]
public sealed class ConnectVaultAccountCommand : VaultCopyCmdletBase
{
    [Parameter]
    [Alias("StoredCredentials", "AWSProfileName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string? ProfileName { get; set; }

    [Parameter]
    [Alias("AWSProfilesLocation", "ProfilesLocation")]
    [ValidateNotNullOrEmpty]
    public string? ProfileLocation { get; set; }

    [Parameter(Position = 0)]
    [Alias("RegionToCall")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RegionCompleter))]
    public string? Region { get; set; }

    [Parameter]
    [Alias("AK")]
    [ValidateNotNullOrEmpty]
    public string? AccessKey { get; set; }

    [Parameter]
    [Alias("SK", "SecretAccessKey")]
    [ValidateNotNullOrEmpty]
    public string? SecretKey { get; set; }

    [Parameter]
    [Alias("ST")]
    [ValidateNotNullOrEmpty]
    public string? SessionToken { get; set; }

    /// <summary>An AWS Tools credential object (AWSCredentials of any SDK version) or a PSCredential whose
    /// user name is the access key ID and whose password is the secret.</summary>
    [Parameter]
    [ValidateNotNull]
    public PSObject? Credential { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RoleArn { get; set; }

    [Parameter]
    [ValidateLength(2, 1224)]
    public string? ExternalId { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RoleSessionName { get; set; }

    [Parameter]
    [ValidateRange(900, 43200)]
    public int? DurationInSeconds { get; set; }

    /// <summary>Assume -RoleArn with this account's credentials (for example the origin, to reach the vault).</summary>
    [Parameter]
    [ValidateNotNull]
    public VaultAccount? SourceAccount { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EndpointUrl { get; set; }

    protected override void EndProcessing()
    {
        object target = RoleArn ?? ProfileName ?? (object?)Region ?? "default credentials";
        try
        {
            ConnectionRequest request = BuildRequest();
            VaultAccount account = RunAsync(token => AccountConnector.ConnectAsync(request, token));
            WriteVerbose($"Connected to {account.AccountId} as {account.Arn} in {account.Region}; credentials from {account.CredentialSource}.");
            WriteObject(account);
        }
        catch (VaultCopyException error)
        {
            ThrowTerminatingError(ToErrorRecord(error, target));
        }
    }

    private ConnectionRequest BuildRequest()
    {
        (string? accessKey, string? secretKey, string? sessionToken, string? keySource) = (AccessKey, SecretKey, SessionToken, null);
        if (Credential is not null)
        {
            if (AccessKey is not null || SecretKey is not null)
            {
                throw new VaultCopyException(
                    VaultCopyErrorKind.InvalidArgument, "ConflictingCredentials",
                    "-Credential and -AccessKey/-SecretKey both supply credentials.", "Pass only one of them.");
            }

            (accessKey, secretKey, sessionToken) = CredentialReader.Read(Credential.BaseObject, "-Credential");
            keySource = "-Credential";
        }

        string? storedProfile = null;
        bool credentialsGiven = accessKey is not null || ProfileName is not null || (RoleArn is not null && SourceAccount is not null);
        if (!credentialsGiven)
        {
            object? stored = SessionState.PSVariable.GetValue("StoredAWSCredentials");
            stored = stored is PSObject wrapped ? wrapped.BaseObject : stored;
            if (stored is string profile && profile.Length > 0)
            {
                storedProfile = profile;
            }
            else if (stored is not null)
            {
                (accessKey, secretKey, sessionToken) = CredentialReader.Read(stored, "$StoredAWSCredentials");
                keySource = "$StoredAWSCredentials";
            }
        }

        return new ConnectionRequest
        {
            Region = Region,
            SessionDefaultRegion = ReadStoredRegion(),
            ProfileName = ProfileName,
            ProfileLocation = ProfileLocation,
            SessionDefaultProfileName = storedProfile,
            AccessKey = accessKey,
            SecretKey = secretKey,
            SessionToken = sessionToken,
            ExplicitKeySourceDescription = keySource,
            RoleArn = RoleArn,
            ExternalId = ExternalId,
            RoleSessionName = RoleSessionName,
            DurationSeconds = DurationInSeconds,
            SourceAccount = SourceAccount,
            EndpointUrl = EndpointUrl,
        };
    }

    /// <summary>AWS Tools keeps $StoredAWSRegion as a string, but scripts set it to anything; take only what reads as one.</summary>
    private string? ReadStoredRegion()
    {
        object? stored = SessionState.PSVariable.GetValue("StoredAWSRegion");
        stored = stored is PSObject wrapped ? wrapped.BaseObject : stored;
        return stored switch
        {
            string text when text.Length > 0 => text,
            null => null,
            _ => stored.GetType().GetProperty("SystemName")?.GetValue(stored) as string,
        };
    }
}

/// <summary>
/// Reads access keys out of credential objects without depending on their type: AWS Tools' AWSCredentials live in
/// another load context (and maybe another SDK version), so they are read by shape.
/// </summary>
internal static class CredentialReader
{
    public static (string AccessKey, string SecretKey, string? SessionToken) Read(object credential, string parameterName)
    {
        if (credential is PSCredential psCredential)
        {
            return (psCredential.UserName, psCredential.GetNetworkCredential().Password, null);
        }

        object? immutable;
        try
        {
            immutable = Invoke(credential, "GetCredentials")
                ?? Invoke(credential.GetType().GetProperty("Credentials", BindingFlags.Public | BindingFlags.Instance)?.GetValue(credential), "GetCredentials");
        }
        catch (TargetInvocationException error)
        {
            // The credential object itself failed (an expired session it could not refresh, say).
            throw new VaultCopyException(
                VaultCopyErrorKind.AuthenticationFailed, "CredentialUnavailable",
                $"{parameterName} could not produce credentials: {error.InnerException?.Message ?? error.Message}",
                "Refresh the credentials (for AWS Tools: Set-AWSCredential again) or pass -ProfileName.", innerException: error);
        }

        string? accessKey = Property(immutable, "AccessKey");
        string? secretKey = Property(immutable, "SecretKey");
        if (accessKey is null || secretKey is null)
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidArgument, "UnreadableCredential",
                $"{parameterName} is a {credential.GetType().FullName}, which VaultCopy cannot read credentials from.",
                "Pass an AWS Tools credential object (Get-AWSCredential), a PSCredential with the access key ID as user name, or -ProfileName.");
        }

        string? token = Property(immutable, "Token");
        return (accessKey, secretKey, string.IsNullOrEmpty(token) ? null : token);
    }

    private static object? Invoke(object? target, string method) =>
        target?.GetType().GetMethod(method, BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes)?.Invoke(target, null);

    private static string? Property(object? target, string name) =>
        target?.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance)?.GetValue(target) as string;
}
