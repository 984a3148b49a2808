using System.Reflection;
using System.Text.RegularExpressions;

namespace VaultCopy.Core.Tests.Core;

/// <summary>
/// AWSSDK types appear only under src/VaultCopy.Core/Aws/ (docs/ARCHITECTURE.md, "The SDK boundary"): a source scan
/// of every C# file under src/, so no file outside the gateways names an Amazon.* namespace or type.
/// </summary>
public sealed partial class SdkBoundaryTests
{
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

        Assert.Empty(users);
    }

    /// <summary>
    /// What the gateways hand the rest of the engine is VaultCopy's own: no gateway member that code outside the
    /// class can reach takes or returns an AWSSDK type (not even inside a generic such as IReadOnlyList&lt;Snapshot&gt;),
    /// so <c>var</c> cannot carry one past Aws/ either.
    /// </summary>
    [Fact]
    public void Gateways_take_and_return_no_AWSSDK_type()
    {
        var leaks = new List<string>();
        foreach (Type gateway in typeof(VaultCopy.Core.Aws.Ec2Gateway).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("VaultCopy.Core.Aws", StringComparison.Ordinal) == true && t.Name.EndsWith("Gateway", StringComparison.Ordinal)))
        {
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (MethodBase method in gateway.GetMethods(all).Cast<MethodBase>().Concat(gateway.GetConstructors(all))
                .Where(m => !m.IsPrivate && !m.IsSpecialName))
            {
                IEnumerable<Type> shown = method.GetParameters().Select(p => p.ParameterType)
                    .Concat(method is MethodInfo info ? [info.ReturnType] : []);
                leaks.AddRange(shown.Where(IsSdk).Select(t => $"{gateway.Name}.{method.Name}: {t}"));
            }

            foreach (PropertyInfo property in gateway.GetProperties(all).Where(p => p.GetMethod is { IsPrivate: false }))
            {
                if (IsSdk(property.PropertyType))
                {
                    leaks.Add($"{gateway.Name}.{property.Name}: {property.PropertyType}");
                }
            }
        }

        Assert.Empty(leaks);
    }

    private static bool IsSdk(Type type) =>
        type.Namespace?.StartsWith("Amazon", StringComparison.Ordinal) == true
        || (type.HasElementType && IsSdk(type.GetElementType()!))
        || (type.IsGenericType && type.GetGenericArguments().Any(IsSdk));

    /// <summary>A using of an Amazon namespace, or a qualified Amazon.X name, anywhere in code (comments aside).</summary>
    private static bool UsesSdk(string line)
    {
        string code = line.TrimStart();
        return !code.StartsWith("//", StringComparison.Ordinal) && SdkName().IsMatch(code);
    }

    [GeneratedRegex(@"(^using\s+(static\s+)?(\w+\s*=\s*)?(global::)?Amazon\b)|(\bAmazon\.[A-Za-z])")]
    private static partial Regex SdkName();
}
