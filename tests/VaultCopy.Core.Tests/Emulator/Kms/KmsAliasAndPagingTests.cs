using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using static VaultCopy.Core.Tests.Emulator.Kms.KmsWorlds;

namespace VaultCopy.Core.Tests.Emulator.Kms;

/// <summary>Aliases, and Limit/Marker/NextMarker/Truncated paging of ListKeys, ListAliases and ListGrants.</summary>
public sealed class KmsAliasAndPagingTests(KmsEmulatorFixture emulator) : IClassFixture<KmsEmulatorFixture>
{
    [Fact]
    public async Task CreateAlias_and_DeleteAlias_follow_the_rules()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        await owner.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/second", TargetKeyId = OwnerKeyArn });
        var listed = (await owner.ListAliasesAsync(new ListAliasesRequest { KeyId = OwnerKeyId })).Aliases;
        Assert.Equal(["alias/origin-key", "alias/second"], listed.Select(a => a.AliasName));
        var second = listed[1];
        Assert.Equal($"arn:aws:kms:{Region}:{Owner}:alias/second", second.AliasArn);
        Assert.Equal(OwnerKeyId, second.TargetKeyId);
        Assert.NotNull(second.CreationDate);
        Assert.NotNull(second.LastUpdatedDate);
        Assert.Equal(OwnerKeyArn, (await owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/second" })).KeyMetadata.Arn);

        var ex = await KmsAssert.Fails("AlreadyExistsException", () => owner.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/second", TargetKeyId = OwnerKeyId }));
        Assert.IsType<AlreadyExistsException>(ex);
        ex = await KmsAssert.Fails("ValidationException", () => owner.CreateAliasAsync(new CreateAliasRequest { AliasName = "second", TargetKeyId = OwnerKeyId }));
        Assert.StartsWith("Alias must start with the prefix \"alias/\".", ex.Message, StringComparison.Ordinal);
        ex = await KmsAssert.Fails("NotFoundException", () => owner.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/third", TargetKeyId = "alias/second" }));
        Assert.Equal("Invalid keyId 'alias/second'", ex.Message);
        await KmsAssert.Fails("NotFoundException", () => owner.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/third", TargetKeyId = KeyArn(Vault, VaultKeyId) }));

        await owner.DeleteAliasAsync(new DeleteAliasRequest { AliasName = "alias/second" });
        ex = await KmsAssert.Fails("NotFoundException", () => owner.DeleteAliasAsync(new DeleteAliasRequest { AliasName = "alias/second" }));
        Assert.Equal($"Alias arn:aws:kms:{Region}:{Owner}:alias/second is not found.", ex.Message);
    }

    [Fact]
    public async Task CreateAlias_needs_permission_on_the_alias_and_on_the_key()
    {
        // IAM may allow the alias but not the key; the key policy delegates to IAM, so both come from IAM here.
        emulator.Load(World(ownerUserPolicy: $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:CreateAlias","Resource":"arn:aws:kms:{{Region}}:{{Owner}}:alias/*"}]}
            """));
        using var user = emulator.Client(OwnerUser);
        await KmsAssert.Denied("kms:CreateAlias", OwnerKeyArn, UserArn(Owner, "owner-user"),
            () => user.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/mine", TargetKeyId = OwnerKeyId }));

        emulator.Load(World(ownerUserPolicy: $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:CreateAlias","Resource":"{{OwnerKeyArn}}"}]}
            """));
        using var user2 = emulator.Client(OwnerUser);
        await KmsAssert.Denied("kms:CreateAlias", $"arn:aws:kms:{Region}:{Owner}:alias/mine", UserArn(Owner, "owner-user"),
            () => user2.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/mine", TargetKeyId = OwnerKeyId }));
    }

    [Fact]
    public async Task ListKeys_pages_with_Limit_and_Marker()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        for (int i = 0; i < 4; i++)
        {
            await owner.CreateKeyAsync(new CreateKeyRequest());
        }

        var all = new List<string>();
        string? marker = null;
        int pages = 0;
        do
        {
            var page = await owner.ListKeysAsync(new ListKeysRequest { Limit = 2, Marker = marker });
            Assert.InRange(page.Keys.Count, 1, 2);
            all.AddRange(page.Keys.Select(k => k.KeyArn));
            Assert.Equal(page.NextMarker is not null, page.Truncated);
            marker = page.NextMarker;
            pages++;
        }
        while (marker is not null);

        Assert.Equal(3, pages);
        Assert.Equal(5, all.Distinct().Count());
        Assert.Equal(OwnerKeyArn, all[0]);

        var single = await owner.ListKeysAsync(new ListKeysRequest());
        Assert.Equal(5, single.Keys.Count);
        Assert.False(single.Truncated);
        Assert.Null(single.NextMarker);
        Assert.IsType<InvalidMarkerException>(await KmsAssert.Fails("InvalidMarkerException", () => owner.ListKeysAsync(new ListKeysRequest { Marker = "bogus" })));
    }

    [Fact]
    public async Task ListAliases_and_ListGrants_page_too()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        for (int i = 0; i < 3; i++)
        {
            await owner.CreateAliasAsync(new CreateAliasRequest { AliasName = $"alias/extra-{i}", TargetKeyId = OwnerKeyId });
            await owner.CreateGrantAsync(new CreateGrantRequest { KeyId = OwnerKeyId, GranteePrincipal = Root(Vault), Operations = ["Decrypt"] });
        }

        var first = await owner.ListAliasesAsync(new ListAliasesRequest { Limit = 3 });
        Assert.True(first.Truncated);
        Assert.Equal(["alias/extra-0", "alias/extra-1", "alias/extra-2"], first.Aliases.Select(a => a.AliasName));
        var rest = await owner.ListAliasesAsync(new ListAliasesRequest { Limit = 3, Marker = first.NextMarker });
        Assert.False(rest.Truncated);
        Assert.Equal(["alias/origin-key"], rest.Aliases.Select(a => a.AliasName));

        var grants = await owner.ListGrantsAsync(new ListGrantsRequest { KeyId = OwnerKeyId, Limit = 2 });
        Assert.Equal(2, grants.Grants.Count);
        Assert.True(grants.Truncated);
        var lastGrants = await owner.ListGrantsAsync(new ListGrantsRequest { KeyId = OwnerKeyId, Limit = 2, Marker = grants.NextMarker });
        Assert.Single(lastGrants.Grants);
        Assert.False(lastGrants.Truncated);
        Assert.DoesNotContain(lastGrants.Grants[0].GrantId, grants.Grants.Select(g => g.GrantId));
    }
}
