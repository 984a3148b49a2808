using System.Reflection;
using VaultCopy.Core.Policies;

namespace VaultCopy.Core.Tests.Policies;

public class PolicyApiTests
{
    /// <summary>
    /// The cmdlets output these types into PowerShell, which binds and formats them by name; System.Text.Json nodes
    /// in the API would tie scripts to a serializer's object model and let them mutate shared documents.
    /// </summary>
    [Fact]
    public void Policy_api_exposes_no_System_Text_Json_type()
    {
        var offenders = new List<string>();
        foreach (Type type in typeof(KeyPolicyDocument).Assembly.GetExportedTypes().Where(t => t.Namespace == "VaultCopy.Core.Policies"))
        {
            foreach (MemberInfo member in type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                IEnumerable<Type> used = member switch
                {
                    PropertyInfo p => [p.PropertyType],
                    FieldInfo f => [f.FieldType],
                    MethodInfo m => m.GetParameters().Select(x => x.ParameterType).Append(m.ReturnType),
                    ConstructorInfo c => c.GetParameters().Select(x => x.ParameterType),
                    _ => [],
                };
                offenders.AddRange(used.SelectMany(Expand)
                    .Where(t => t.Namespace?.StartsWith("System.Text.Json", StringComparison.Ordinal) == true)
                    .Select(t => $"{type.Name}.{member.Name}: {t.FullName}"));
            }
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public void Sids_follow_the_documented_scheme()
    {
        Assert.Equal("VaultCopyUseKey-444455556666", KeyPolicyEditor.UseKeySid("444455556666"));
        Assert.Equal("VaultCopyAttachPersistentResources-444455556666", KeyPolicyEditor.AttachPersistentResourcesSid("444455556666"));
        // IAM identity-policy Sids allow letters and digits only.
        Assert.Matches("^[A-Za-z0-9]+$", IdentityPolicyEditor.UseSourceKeysSid);
        Assert.Matches("^[A-Za-z0-9]+$", IdentityPolicyEditor.GrantsForAwsResourcesSid);
    }

    private static IEnumerable<Type> Expand(Type type)
    {
        yield return type;
        foreach (Type inner in (type.HasElementType ? [type.GetElementType()!] : Array.Empty<Type>())
            .Concat(type.IsGenericType ? type.GetGenericArguments() : []).SelectMany(Expand))
        {
            yield return inner;
        }
    }
}
