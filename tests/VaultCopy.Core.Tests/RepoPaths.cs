namespace VaultCopy.Core.Tests;

internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>../shared beside the project root: the AWS models and behaviour notes.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VaultCopy.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("VaultCopy.sln not found above the test folder.");
    }
}
