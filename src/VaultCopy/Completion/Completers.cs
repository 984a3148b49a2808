using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Completion;

namespace VaultCopy.Completion;

/// <summary>Shared by the completers: matching what was typed, and reading the connected account from the command line.</summary>
internal static class CompletionInput
{
    public static IEnumerable<CompletionResult> Matching(IEnumerable<string> values, string wordToComplete)
    {
        string typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
        return values
            .Where(value => value.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .Select(value => new CompletionResult(Quote(value), value, CompletionResultType.ParameterValue, value));
    }

    /// <summary>The VaultAccount bound (by the parser's trial binding) to the first of <paramref name="names"/> that has one.</summary>
    public static VaultAccount? Account(IDictionary fakeBoundParameters, params string[] names)
    {
        foreach (string name in names)
        {
            object? value = fakeBoundParameters[name];
            // Several origins (-Source $a, $b) complete from the first.
            foreach (object? item in value is object?[] many ? many : new[] { value })
            {
                if ((item is PSObject wrapped ? wrapped.BaseObject : item) is VaultAccount account)
                {
                    return account;
                }
            }
        }

        return null;
    }

    private static string Quote(string value) =>
        value.IndexOfAny([' ', '\'', '"', '$', '`', ';', '(', ')', '{', '}', '|', '&', ',']) < 0 ? value : $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";
}

/// <summary>
/// -Region: the Regions of the connected account's partition; before any account is connected, those of the three
/// public partitions (aws, aws-cn, aws-us-gov), since the partition is not known yet.
/// </summary>
public sealed class RegionCompleter : IArgumentCompleter
{
    private static readonly string[] s_publicPartitions = ["aws", "aws-cn", "aws-us-gov"];

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string? partition = CompletionInput.Account(fakeBoundParameters, "SourceAccount", "Account", "Destination", "Source")?.Partition;
        IEnumerable<string> regions = partition is null
            ? s_publicPartitions.SelectMany(CompletionCatalog.Regions)
            : CompletionCatalog.Regions(partition);
        return CompletionInput.Matching(regions, wordToComplete);
    }
}

/// <summary>-ProfileName: the profiles in the shared credentials and config files, or in -ProfileLocation.</summary>
public sealed class ProfileNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionInput.Matching(CompletionCatalog.ProfileNames(fakeBoundParameters["ProfileLocation"] as string), wordToComplete);
}

/// <summary>
/// A key parameter: the aliases of the account that owns the key, read from the parameter that names that account.
/// Completion is synchronous by PowerShell's design, so the lookup is waited for, at most a few seconds.
/// </summary>
public abstract class KeyAliasCompleter : IArgumentCompleter
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(5);

    private protected abstract string[] AccountParameters { get; }

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        VaultAccount? account = CompletionInput.Account(fakeBoundParameters, AccountParameters);
        if (account is null)
        {
            return [];
        }

        string? region = (fakeBoundParameters["DestinationRegion"] ?? fakeBoundParameters["Region"]) as string;
        using var patience = new CancellationTokenSource(s_patience);
        try
        {
            IReadOnlyList<string> aliases = CompletionCatalog.KeyAliasesAsync(account, region, patience.Token).GetAwaiter().GetResult();
            return CompletionInput.Matching(aliases, wordToComplete);
        }
        catch (OperationCanceledException)
        {
            return [];
        }
    }
}

/// <summary>The vault key (-KmsKeyId of a copy, the preflight, the vault side of key access): the vault's aliases.</summary>
public sealed class VaultKeyCompleter : KeyAliasCompleter
{
    private protected override string[] AccountParameters => ["Destination"];
}

/// <summary>An origin key (-KeyId of key access): the origin's aliases.</summary>
public sealed class SourceKeyCompleter : KeyAliasCompleter
{
    private protected override string[] AccountParameters => ["Source"];
}

/// <summary>A key of the one account a command works in (-KmsKeyId of a conversion).</summary>
public sealed class AccountKeyCompleter : KeyAliasCompleter
{
    private protected override string[] AccountParameters => ["Account"];
}
