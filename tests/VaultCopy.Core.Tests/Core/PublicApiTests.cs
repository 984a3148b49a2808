using System.Reflection;
using VaultCopy.Core.Accounts;

namespace VaultCopy.Core.Tests.Core;

public class PublicApiTests
{
    /// <summary>
    /// The engine is loaded in its own context beside whatever AWSSDK AWS Tools loaded; an AWSSDK type in its
    /// public API would leak that context's types into PowerShell and break the isolation.
    /// </summary>
    [Fact]
    public void Engine_public_api_exposes_no_AWSSDK_type()
    {
        var offenders = new List<string>();
        foreach (Type type in typeof(VaultAccount).Assembly.GetExportedTypes())
        {
            foreach (MemberInfo member in type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                foreach (Type used in TypesOf(member))
                {
                    if (used.Namespace?.StartsWith("Amazon", StringComparison.Ordinal) == true)
                    {
                        offenders.Add($"{type.Name}.{member.Name}: {used.FullName}");
                    }
                }
            }
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public void VaultAccount_has_no_public_member_that_could_carry_a_secret()
    {
        string[] names = typeof(VaultAccount).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToArray();
        Assert.DoesNotContain(names, n => n.Contains("Secret", StringComparison.OrdinalIgnoreCase)
            || n.Contains("Token", StringComparison.OrdinalIgnoreCase) || n == "Credentials");
    }

    private static IEnumerable<Type> TypesOf(MemberInfo member) => member switch
    {
        PropertyInfo p => Expand(p.PropertyType),
        FieldInfo f => Expand(f.FieldType),
        MethodInfo m => Expand(m.ReturnType).Concat(m.GetParameters().SelectMany(x => Expand(x.ParameterType))),
        ConstructorInfo c => c.GetParameters().SelectMany(x => Expand(x.ParameterType)),
        _ => [],
    };

    private static IEnumerable<Type> Expand(Type type)
    {
        yield return type;
        if (type.HasElementType)
        {
            foreach (Type inner in Expand(type.GetElementType()!))
            {
                yield return inner;
            }
        }

        foreach (Type argument in type.IsGenericType ? type.GetGenericArguments() : [])
        {
            foreach (Type inner in Expand(argument))
            {
                yield return inner;
            }
        }
    }
}
