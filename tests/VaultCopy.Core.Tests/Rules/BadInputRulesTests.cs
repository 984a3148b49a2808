using VaultCopy.Core.Accounts;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Lifecycle;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Rules;

namespace VaultCopy.Core.Tests.Rules;

/// <summary>
/// The engine rules behind tests/BadInput.Tests.ps1: what an id, a key name, a Region or a lock end can never be is
/// refused before anything is asked of AWS.
/// </summary>
public sealed class BadInputRulesTests
{
    private static readonly KeyOwner s_origin = new("111111111111", "eu-west-1", "arn:aws:iam::111111111111:user/origin-admin");

    [Theory]
    [InlineData("snap-*")]
    [InlineData("ami-0a1b?")]
    [InlineData("origin-*")]
    [InlineData("arn:aws:ec2:eu-west-1:111111111111:snapshot/*")]
    public void A_wildcard_is_refused_with_the_way_to_select_many(string text)
    {
        var error = Assert.Throws<Errors.VaultCopyException>(() => ResourceReference.Parse(text));

        Assert.Equal("InvalidResourceId", error.ErrorId);
        Assert.Contains("Get-VaultResource", error.Remediation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("snap-!!")]
    [InlineData("snap-0a1b 2c3d")]
    [InlineData("snap-0a1b2c3d4e5f6ü001")]
    [InlineData("ami-")]
    [InlineData("rds:")]
    public void A_malformed_id_is_refused_by_its_shape(string text)
    {
        Assert.Equal("InvalidResourceId", Assert.Throws<Errors.VaultCopyException>(() => ResourceReference.Parse(text)).ErrorId);
    }

    [Fact]
    public void A_20_KB_id_is_refused_by_its_shape()
    {
        Assert.Equal("InvalidResourceId", Assert.Throws<Errors.VaultCopyException>(() => ResourceReference.Parse("snap-" + new string('0', 20480))).ErrorId);
    }

    [Theory]
    [InlineData("snap-0a1b2c3d4e5f60001")]
    [InlineData("ami-12345678")]
    [InlineData("rds:origin-legacy-2026-01-15-03-05")]
    [InlineData("origin-orders-manual-cmk")]
    public void Well_formed_ids_still_parse(string text)
    {
        Assert.Equal(text, ResourceReference.Parse(text).Id);
    }

    [Theory]
    [InlineData("alias/*")]
    [InlineData("alias/sauvegarde-été")]
    [InlineData("alias/")]
    [InlineData("key id with spaces")]
    public void A_key_name_KMS_could_only_refuse_is_refused_before_DescribeKey(string keyId)
    {
        Assert.Equal("InvalidKeyId", KeyRules.RefuseByName(keyId, KeyUse.PolicyEditSource, s_origin)?.ErrorId);
        Assert.Equal("InvalidKeyId", KeyRules.RefuseByName(keyId, KeyUse.ConversionTarget, s_origin)?.ErrorId);
    }

    [Fact]
    public void A_20_KB_alias_is_refused_before_DescribeKey()
    {
        Assert.Equal("InvalidKeyId", KeyRules.RefuseByName("alias/" + new string('x', 20480), KeyUse.VaultCopy, s_origin)?.ErrorId);
    }

    [Theory]
    [InlineData("alias/origin-backup")]
    [InlineData("alias/team/backup_2026")]
    [InlineData("a1b2c3d4-0000-4000-8000-111111111111")]
    [InlineData("mrk-0123456789abcdef0123456789abcdef")]
    public void Key_ids_and_alias_names_pass_the_name_rule(string keyId)
    {
        Assert.Null(KeyRules.RefuseByName(keyId, KeyUse.PolicyEditSource, s_origin));
    }

    [Theory]
    [InlineData("eu-west-1", true)]
    [InlineData("us-gov-west-1", true)]
    [InlineData("cn-north-1", true)]
    [InlineData("mars-north-9", false)]
    [InlineData("eu-west", false)]
    [InlineData("EU-WEST-1", false)]
    [InlineData("", false)]
    public void A_Region_name_has_the_shape_of_one(string region, bool valid)
    {
        Assert.Equal(valid, RegionName.IsValid(region));
    }

    [Fact]
    public void A_lock_that_ends_in_the_past_is_refused_before_anything_is_read()
    {
        var request = new CopyLockRequest { Mode = CopyLockMode.Governance, Until = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc) };

        var error = Assert.Throws<Errors.VaultCopyException>(request.Validate);

        Assert.Equal("LockEndInPast", error.ErrorId);
        Assert.Equal("Governance lock until 2020-01-01 00:00Z", request.ToString());
    }
}
