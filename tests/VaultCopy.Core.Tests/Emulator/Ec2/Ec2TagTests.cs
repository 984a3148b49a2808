using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using static VaultCopy.Core.Tests.Emulator.Ec2.Ec2Worlds;

namespace VaultCopy.Core.Tests.Emulator.Ec2;

/// <summary>CreateTags / DeleteTags / DescribeTags; tags are kept per account, as on shared AMIs.</summary>
public sealed class Ec2TagTests(Ec2EmulatorFixture fixture) : Ec2TestBase(fixture)
{
    [Fact]
    public async Task Create_describe_and_delete_tags()
    {
        await Origin.CreateTagsAsync(new CreateTagsRequest
        {
            Resources = [PlainSnapshot, SharedImage],
            Tags = [new Tag("Vault", "pending"), new Tag("Owner", "ops")],
        });

        var described = await Origin.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Filter("key", ["Vault"])] });
        Assert.Equal(
            [(SharedImage, "image"), (PlainSnapshot, "snapshot")],
            described.Tags.Select(t => (t.ResourceId, t.ResourceType.Value)).OrderBy(t => t.ResourceId));
        var forSnapshot = await Origin.DescribeTagsAsync(new DescribeTagsRequest
        {
            Filters = [new Filter("resource-id", [PlainSnapshot]), new Filter("resource-type", ["snapshot"])],
        });
        Assert.Equal(["Name", "Owner", "Vault"], forSnapshot.Tags.Select(t => t.Key).Order());

        // A value that does not match leaves the tag; a matching one or no value removes it.
        await Origin.DeleteTagsAsync(new DeleteTagsRequest { Resources = [PlainSnapshot], Tags = [new Tag("Vault", "done")] });
        Assert.Contains((await DescribeSnapshot(Origin, PlainSnapshot)).Tags, t => t.Key == "Vault");
        await Origin.DeleteTagsAsync(new DeleteTagsRequest { Resources = [PlainSnapshot], Tags = [new Tag("Vault", "pending"), new Tag { Key = "Owner" }] });
        Assert.Equal(["Name"], (await DescribeSnapshot(Origin, PlainSnapshot)).Tags.Select(t => t.Key));

        await Origin.DeleteTagsAsync(new DeleteTagsRequest { Resources = [PlainSnapshot] });
        Assert.Null((await DescribeSnapshot(Origin, PlainSnapshot)).Tags);
    }

    [Fact]
    public async Task Tags_on_a_shared_ami_belong_to_the_account_that_set_them()
    {
        await Vault.CreateTagsAsync(new CreateTagsRequest { Resources = [SharedImage], Tags = [new Tag("VaultStatus", "copied")] });

        Assert.Equal(["VaultStatus"], (await DescribeImage(Vault, SharedImage)).Tags.Select(t => t.Key));
        Assert.Equal(["Name", "Team"], (await DescribeImage(Origin, SharedImage)).Tags.Select(t => t.Key).Order());
        Assert.Empty((await Origin.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Filter("key", ["VaultStatus"])] })).Tags ?? []);
    }

    [Fact]
    public async Task Tagging_checks_ids_keys_limits_and_permissions()
    {
        await Ec2Assert.Fails("InvalidSnapshot.NotFound",
            () => Vault.CreateTagsAsync(new CreateTagsRequest { Resources = [PrivateCmkSnapshot], Tags = [new Tag("a", "b")] }));
        var invalid = await Ec2Assert.Fails("InvalidID",
            () => Origin.CreateTagsAsync(new CreateTagsRequest { Resources = ["i-0123456789abcdef0"], Tags = [new Tag("a", "b")] }));
        Assert.Equal("The ID 'i-0123456789abcdef0' is not valid", invalid.Message);
        await Ec2Assert.Fails("InvalidParameterValue",
            () => Origin.CreateTagsAsync(new CreateTagsRequest { Resources = [PlainSnapshot], Tags = [new Tag("aws:backup", "x")] }));

        var fifty = Enumerable.Range(0, 50).Select(i => new Tag("k" + i, "v")).ToList();
        await Ec2Assert.Fails("TagLimitExceeded", () => Origin.CreateTagsAsync(new CreateTagsRequest { Resources = [PlainSnapshot], Tags = fifty }));
        Assert.Equal(["Name"], (await DescribeSnapshot(Origin, PlainSnapshot)).Tags.Select(t => t.Key));

        await Ec2Assert.Fails("UnauthorizedOperation",
            () => Client(OriginReader).CreateTagsAsync(new CreateTagsRequest { Resources = [PlainSnapshot], Tags = [new Tag("a", "b")] }),
            HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Describe_tags_pages()
    {
        var resources = new List<string> { PlainSnapshot, SharedCmkSnapshot, AwsEbsSnapshot, PublicSnapshot, SharedImage, TwoKeyImage };
        await Origin.CreateTagsAsync(new CreateTagsRequest { Resources = resources, Tags = [new Tag("Audit", "2026")] });

        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await Origin.DescribeTagsAsync(new DescribeTagsRequest { MaxResults = 5, NextToken = token, Filters = [new Filter("key", ["Audit"])] });
            keys.AddRange(page.Tags.Select(t => t.ResourceId));
            token = page.NextToken;
        }
        while (token is not null);

        Assert.Equal(resources.Order(), keys.Order());
    }
}
