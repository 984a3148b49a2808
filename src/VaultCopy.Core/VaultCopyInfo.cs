using System.Reflection;

namespace VaultCopy.Core;

/// <summary>Facts about this build that land in lineage tags and user agents.</summary>
public static class VaultCopyInfo
{
    public static string Version { get; } =
        typeof(VaultCopyInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";
}
