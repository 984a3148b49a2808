using System.Collections;
using System.Management.Automation;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Orchestration;
using VaultCopy.Core.Resources;

namespace VaultCopy.Commands;

/// <summary>
/// Get-VaultCopyPlan and Invoke-VaultCopy: which backups of which origins go to which vault Regions under which keys,
/// bound the way Get-VaultResource selects backups. The plan itself is the engine's (<see cref="VaultCopyPlanner"/>).
/// </summary>
public abstract class VaultCopyPlanCmdletBase : BackupSelectionCmdletBase
{
    private protected const string SelectSet = "Select";

    /// <summary>The origin accounts, from Connect-VaultAccount (one or more).</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public VaultAccount[] Source { get; set; } = [];

    /// <summary>The vault account, from Connect-VaultAccount: its credentials make the copies.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public VaultAccount Destination { get; set; } = null!;

    /// <summary>The vault key: one key id, ARN or alias (an alias present in every destination Region), or a
    /// hashtable Region → key.</summary>
    [Parameter(Mandatory = true)]
    [Alias("DestinationKeyId")]
    [RegionKeyTransformation]
    [ValidateNotNullOrEmpty]
    public string[] KmsKeyId { get; set; } = [];

    /// <summary>The vault Regions to copy into (default: the vault's Region).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateRegionName]
    public string[] DestinationRegion { get; set; } = [];

    /// <summary>A customer managed key of each origin: default-key and automated backups are converted under it first.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConvertKeyId { get; set; }

    /// <summary>Make the key-policy and IAM changes the plan lists; without it, missing key access is a refusal.</summary>
    [Parameter]
    public SwitchParameter GrantKeyAccess { get; set; }

    private protected VaultCopyRequest BuildRequest(bool keepShares)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string entry in KmsKeyId)
        {
            int split = entry.IndexOf('=', StringComparison.Ordinal);
            string region = split > 0 ? entry[..split].Trim() : VaultCopyRequest.EveryRegion;
            string key = split > 0 ? entry[(split + 1)..].Trim() : entry.Trim();
            if (key.Length == 0 || !keys.TryAdd(region, key))
            {
                throw new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "InvalidKmsKeyId",
                    $"-KmsKeyId names {(key.Length == 0 ? "an empty key" : $"two keys for {(region == VaultCopyRequest.EveryRegion ? "every Region" : region)}")}.",
                    "Pass one key (an alias present in every destination Region) or a hashtable @{ 'eu-west-1' = 'alias/vault-backup'; 'eu-central-1' = '<key ARN>' }.");
            }
        }

        return new VaultCopyRequest
        {
            Origins = Source,
            Vault = Destination,
            DestinationRegions = DestinationRegion,
            KmsKeyIds = keys,
            ConvertKeyId = ConvertKeyId,
            GrantKeyAccess = GrantKeyAccess.IsPresent,
            KeepShares = keepShares,
            Query = SelectionQuery(includeShared: false),
            Ids = SelectedIds,
        };
    }

    /// <summary>Plans with reads only; an error that stops the whole plan (a vault key that cannot be used) is terminating.</summary>
    private protected VaultCopyRunPlan? Plan(VaultCopyRequest request)
    {
        try
        {
            return RunAsync(token => new VaultCopyPlanner(request).PlanAsync(token));
        }
        catch (VaultCopyException error)
        {
            ThrowTerminatingError(ToErrorRecord(error, error.ErrorId is "VaultKeyRequired" or "InvalidKmsKeyId" ? string.Join(", ", KmsKeyId) : Destination));
            return null;
        }
    }

    /// <summary>One line per plan item, for -WhatIf and -Confirm.</summary>
    private protected static string Describe(VaultCopyPlanItem item) => item.Action == PlanAction.Refuse
        ? $"Refuse {item.Type} {item.Id} of {item.OriginAccountId}: {item.Cause} {item.Remediation}".TrimEnd()
        : $"{string.Join(", ", item.Steps)}: {item.Type} {item.Id} of {item.OriginAccountId} ({item.SizeGiB} GiB) -> {string.Join("; ", item.Destinations)}";
}

/// <summary>Lets -KmsKeyId take a hashtable Region → key as well as one key.</summary>
internal sealed class RegionKeyTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is IDictionary map)
        {
            return map.Cast<DictionaryEntry>().Select(e => $"{e.Key}={(e.Value is PSObject p ? p.BaseObject : e.Value)}").ToArray();
        }

        return inputData;
    }
}
