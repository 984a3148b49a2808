using System.Reflection;
using System.Runtime.Loader;

namespace VaultCopy.Loading;

/// <summary>
/// Holds VaultCopy.Core and its AWSSDK copies apart from whatever AWSSDK version AWS Tools for PowerShell
/// (or anything else) has put into the default context, so both can be used in one session.
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    private readonly string _dependencyFolder;

    public EngineLoadContext(string dependencyFolder)
        : base("VaultCopy.Engine", isCollectible: false)
    {
        _dependencyFolder = dependencyFolder;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Platform assemblies (the runtime and pwsh's own, e.g. System.Text.Json, SMA) come from the default
        // context: a second copy of them here would split type identity with PowerShell.
        if (IsProvidedByPlatform(assemblyName))
        {
            return null;
        }

        string candidate = Path.Combine(_dependencyFolder, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }

    private static bool IsProvidedByPlatform(AssemblyName assemblyName)
    {
        string? trusted = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string;
        if (trusted is null || assemblyName.Name is null)
        {
            return false;
        }

        string fileName = assemblyName.Name + ".dll";
        foreach (string path in trusted.Split(Path.PathSeparator))
        {
            if (path.EndsWith(Path.DirectorySeparatorChar + fileName, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
