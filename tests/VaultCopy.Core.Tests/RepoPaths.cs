using System.Reflection;

namespace VaultCopy.Core.Tests;

internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// The trimmed botocore service models (tests/aws-models/{service}/service-2.json) that the conformance tests
    /// check against. The test project records the folder at build time (assembly metadata AwsModelsDirectory), so a
    /// clone finds its own copy and nothing outside the repository is ever read.
    /// </summary>
    public static string AwsModels { get; } = BuildTimeDirectory("AwsModelsDirectory");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VaultCopy.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("VaultCopy.sln not found above the test folder.");
    }

    private static string BuildTimeDirectory(string key)
    {
        string? path = typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == key)?.Value;
        if (string.IsNullOrEmpty(path))
        {
            throw new InvalidOperationException($"The test assembly has no {key} metadata: VaultCopy.Core.Tests.csproj sets it.");
        }

        return Path.GetFullPath(path);
    }
}
