using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace VaultCopy.Loading;

/// <summary>
/// Bridges the default context to the engine context: only the engine's own name is answered here, and the
/// engine context then resolves AWSSDK and the rest from the deps folder.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private const string EngineAssemblyName = "VaultCopy.Core";

    private static readonly Lazy<EngineLoadContext> s_engineContext = new(() =>
    {
        string moduleFolder = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;
        return new EngineLoadContext(Path.Combine(moduleFolder, "deps"));
    });

    public void OnImport() => AssemblyLoadContext.Default.Resolving += ResolveEngine;

    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= ResolveEngine;

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName assemblyName) =>
        assemblyName.Name == EngineAssemblyName
            ? s_engineContext.Value.LoadFromAssemblyName(assemblyName)
            : null;
}
