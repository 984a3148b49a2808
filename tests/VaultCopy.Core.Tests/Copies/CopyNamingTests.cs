using System.Text.RegularExpressions;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Tests.Copies;

public class CopyNamingTests
{
    // RDS: 1–255 (cluster 1–63) letters, digits, hyphens; first a letter; no trailing hyphen; no "--".
    private static readonly Regex s_rdsIdentifier = new("^[a-z](?:[a-z0-9]|-(?!-))*(?<!-)$");

    private static VaultResource Source(VaultResourceType type, string id, string account = "111111111111", string region = "eu-west-1") => new()
    {
        Type = type, Id = id, Arn = $"arn:aws:rds:{region}:{account}:snapshot:{id}", AccountId = account, Region = region, State = "available",
    };

    [Theory]
    [InlineData("orders-2026-11-28", "vault-111111111111-eu-west-1-orders-2026-11-28")]
    [InlineData("rds:orders-2026-11-28-03-10", "vault-111111111111-eu-west-1-rds-orders-2026-11-28-03-10")]
    [InlineData("Orders--Weekly-", "vault-111111111111-eu-west-1-orders-weekly")]
    public void Rds_identifiers_are_valid_and_deterministic(string sourceId, string expected)
    {
        string name = CopyNaming.RdsIdentifier("vault", Source(VaultResourceType.RdsSnapshot, sourceId));

        Assert.Equal(expected, name);
        Assert.Matches(s_rdsIdentifier, name);
        Assert.Equal(name, CopyNaming.RdsIdentifier("vault", Source(VaultResourceType.RdsSnapshot, sourceId)));
    }

    [Fact]
    public void Long_cluster_identifiers_fit_63_characters_and_stay_distinct()
    {
        string a = CopyNaming.RdsIdentifier("vault", Source(VaultResourceType.AuroraClusterSnapshot, "aurora-cluster-with-a-very-long-name-snapshot-2026-11-28-a"));
        string b = CopyNaming.RdsIdentifier("vault", Source(VaultResourceType.AuroraClusterSnapshot, "aurora-cluster-with-a-very-long-name-snapshot-2026-11-28-b"));

        Assert.True(a.Length <= 63, a);
        Assert.Matches(s_rdsIdentifier, a);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Client_token_changes_with_any_parameter_and_fits_128()
    {
        VaultResource ami = Source(VaultResourceType.Ami, "ami-0123456789abcdef0");
        string token = CopyNaming.ClientToken("vault", ami, "eu-west-1", "arn:aws:kms:eu-west-1:222222222222:key/k1");

        Assert.True(token.Length <= 128);
        Assert.Equal(token, CopyNaming.ClientToken("vault", ami, "eu-west-1", "arn:aws:kms:eu-west-1:222222222222:key/k1"));
        Assert.NotEqual(token, CopyNaming.ClientToken("vault", ami, "eu-central-1", "arn:aws:kms:eu-west-1:222222222222:key/k1"));
        Assert.NotEqual(token, CopyNaming.ClientToken("vault", ami, "eu-west-1", "arn:aws:kms:eu-west-1:222222222222:key/k2"));
        Assert.NotEqual(token, CopyNaming.ClientToken("convert", ami, "eu-west-1", "arn:aws:kms:eu-west-1:222222222222:key/k1"));
    }

    [Fact]
    public void Lineage_tags_name_the_source_and_the_version()
    {
        VaultResource source = Source(VaultResourceType.RdsSnapshot, "orders");
        var tags = CopyNaming.LineageTags("vault", source, new DateTime(2026, 11, 28, 10, 0, 0, DateTimeKind.Utc));

        Assert.Equal("111111111111", tags[CopyNaming.SourceAccountTag]);
        Assert.Equal(source.Arn, tags[CopyNaming.SourceArnTag]);
        Assert.Equal("none", tags[CopyNaming.SourceKeyTag]);
        Assert.Equal("2026-11-28T10:00:00Z", tags[CopyNaming.CopiedAtTag]);
        Assert.Equal(VaultCopyInfo.Version, tags[CopyNaming.VersionTag]);
        Assert.All(tags.Keys, k => Assert.StartsWith("vaultcopy:", k, StringComparison.Ordinal));
    }

    [Fact]
    public void Identity_tags_sent_with_a_client_token_say_nothing_of_the_run()
    {
        VaultResource ami = Source(VaultResourceType.Ami, "ami-0123456789abcdef0");
        var identity = CopyNaming.IdentityTags("vault", ami);

        Assert.DoesNotContain(CopyNaming.CopiedAtTag, identity.Keys);
        Assert.DoesNotContain(CopyNaming.VersionTag, identity.Keys);
        Assert.Equal(ami.Arn, identity[CopyNaming.SourceArnTag]);
        Assert.All(identity, t => Assert.Equal(t.Value, CopyNaming.LineageTags("vault", ami, DateTime.UtcNow)[t.Key]));
    }

    [Fact]
    public void Image_names_fit_the_128_character_limit()
    {
        string name = CopyNaming.ImageName("vault", Source(VaultResourceType.Ami, "ami-0123456789abcdef0"));
        Assert.Equal("vault-111111111111-eu-west-1-ami-0123456789abcdef0", name);
        Assert.InRange(CopyNaming.ImageName("vault", Source(VaultResourceType.Ami, new string('x', 200))).Length, 3, 128);
    }
}
