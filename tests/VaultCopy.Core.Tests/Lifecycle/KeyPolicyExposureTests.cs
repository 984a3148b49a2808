using VaultCopy.Core.Posture;

namespace VaultCopy.Core.Tests.Lifecycle;

/// <summary>Who outside the vault a vault key's policy lets use the key.</summary>
public sealed class KeyPolicyExposureTests
{
    [Fact]
    public void Principals_of_other_accounts_and_anyone_are_exposed_and_the_vault_own_are_not()
    {
        const string policy = """
            {"Version":"2012-10-17","Statement":[
              {"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:*","Resource":"*"},
              {"Sid":"Role","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::222222222222:role/VaultCopyVault","111111111111"]},"Action":["kms:Decrypt"],"Resource":"*"},
              {"Sid":"Anyone","Effect":"Allow","Principal":"*","Action":"kms:Encrypt","Resource":"*"},
              {"Sid":"Service","Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"kms:Encrypt","Resource":"*"},
              {"Sid":"DenyOther","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"kms:*","Resource":"*"},
              {"Sid":"NotKms","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444444444444:root"},"Action":"s3:GetObject","Resource":"*"}
            ]}
            """;

        Assert.Equal(["*", "111111111111"], KeyPolicyExposure.ForeignPrincipals(policy, "222222222222"));
    }
}
