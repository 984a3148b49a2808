namespace VaultCopy.Core.Tests.Core;

/// <summary>AWSSDK types appear only under src/VaultCopy.Core/Aws/: a source scan of every C# file under src/.</summary>
public sealed class SdkBoundaryTests
{
    /// <summary>
    /// The files outside Aws/ that still read AWSSDK types (docs/ARCHITECTURE.md, "The SDK boundary"): the EC2 model
    /// types the inventory and the EC2 backends read, and the SDK credential types of the connection. The list may
    /// only shrink: a new file that uses the SDK fails, and so does a listed one that no longer needs to be listed.
    /// </summary>
    private static readonly string[] s_notYetBehindGateways =
    [
        "src/VaultCopy.Core/Accounts/AccountConnector.cs",
        "src/VaultCopy.Core/Accounts/VaultAccount.cs",
        "src/VaultCopy.Core/Copies/Backends/AmiCopyBackend.cs",
        "src/VaultCopy.Core/Copies/Backends/EbsSnapshotCopyBackend.cs",
        "src/VaultCopy.Core/Resources/ResourceInventory.cs",
    ];

    [Fact]
    public void Only_the_gateways_use_AWSSDK_types()
    {
        string src = Path.Combine(RepoPaths.Root, "src");
        List<string> users = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Where(f => !f.StartsWith("src/VaultCopy.Core/Aws/", StringComparison.Ordinal))
            .Where(f => File.ReadLines(Path.Combine(RepoPaths.Root, f)).Any(UsesSdk))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(s_notYetBehindGateways, users);
    }

    private static bool UsesSdk(string line)
    {
        string code = line.TrimStart();
        return !code.StartsWith("//", StringComparison.Ordinal)
            && (code.StartsWith("using Amazon", StringComparison.Ordinal) || code.Contains(" Amazon.", StringComparison.Ordinal) || code.Contains("(Amazon.", StringComparison.Ordinal));
    }
}
