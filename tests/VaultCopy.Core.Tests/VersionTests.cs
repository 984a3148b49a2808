using VaultCopy.Core;

namespace VaultCopy.Core.Tests;

public class VersionTests
{
    [Fact]
    public void Version_comes_from_the_single_version_source()
    {
        string props = File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Build.props"));
        Assert.Contains($"<VaultCopyVersion>{VaultCopyInfo.Version}</VaultCopyVersion>", props);
    }
}
