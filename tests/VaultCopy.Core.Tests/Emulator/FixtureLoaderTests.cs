using VaultCopy.Emulator.Fixtures;
using VaultCopy.Emulator.Model;

namespace VaultCopy.Core.Tests.Emulator;

public class FixtureLoaderTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_demo_world_loads_with_stable_ids()
    {
        var world = new World();
        FixtureLoader.Load(world, FixtureLoader.DemoWorldJson(), s_now);
        string firstId = world.Accounts[Demo.OriginAccount].Users["origin-admin"].UserId;

        FixtureLoader.Load(world, FixtureLoader.DemoWorldJson(), s_now);

        Assert.Equal(2, world.Accounts.Count);
        var vault = world.Accounts[Demo.VaultAccount];
        Assert.Equal("vault", vault.Alias);
        Assert.Equal(Demo.VaultRoleArn, vault.Roles["VaultCopyVault"].Arn);
        Assert.Equal(firstId, world.Accounts[Demo.OriginAccount].Users["origin-admin"].UserId);
        Assert.Equal("origin-admin", world.FindAccessKey(Demo.OriginAdminKey)!.User!.Name);
        Assert.Same(vault.Roles["VaultCopyVault"], world.FindRoleByArn(Demo.VaultRoleArn));
    }

    [Theory]
    [InlineData("""{"accounts":[{"id":"1234567890123"}]}""", "$.accounts[0].id: '1234567890123' is not an AWS account id (12 digits)")]
    [InlineData("""{"accounts":[{"id":"111111111111"},{"id":"111111111111"}]}""", "$.accounts[1].id: duplicate account '111111111111'")]
    [InlineData("""{"accounts":[{"id":"111111111111","users":[{"name":"a","accessKeys":[{"accessKeyId":"AKIAAAAAAAAAAAAAAAAA","secretAccessKey":"0123456789012345678901234567890123456789"}]}]},{"id":"222222222222","users":[{"name":"b","accessKeys":[{"accessKeyId":"AKIAAAAAAAAAAAAAAAAA","secretAccessKey":"0123456789012345678901234567890123456789"}]}]}]}""",
        "$.accounts[1].users[0].accessKeys[0].accessKeyId: duplicate access key 'AKIAAAAAAAAAAAAAAAAA' (also at $.accounts[0].users[0].accessKeys[0])")]
    [InlineData("""{"accounts":[{"id":"111111111111","users":[{"name":"a","inlinePolicies":{"p":{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}}}]}]}""",
        "$.accounts[0].users[0].inlinePolicies.p: malformed policy: ")]
    [InlineData("""{"accounts":[{"id":"111111111111","roles":[{"name":"r","trustPolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}}]}]}""",
        "$.accounts[0].roles[0].trustPolicy: malformed policy: Missing required field Principal.")]
    [InlineData("""{"accounts":[{"id":"111111111111","usres":[]}]}""", "$.accounts[0].usres: unknown property")]
    [InlineData("""{"accounts":[{"id":"111111111111","users":[{"name":"a","accessKeys":[{"accessKeyId":"ASIA0000000000000000","secretAccessKey":"short"}]}]}]}""",
        "$.accounts[0].users[0].accessKeys[0].accessKeyId: 'ASIA0000000000000000' is not a long-term access key id")]
    [InlineData("""{"accounts":[{"id":"111111111111","roles":[{"name":"r","maxSessionDuration":60,"trustPolicy":{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}]}}]}]}""",
        "$.accounts[0].roles[0].maxSessionDuration: must be a number of seconds from 3600 to 43200")]
    [InlineData("""{"accounts":[{"id":"111111111111","regions":{"eu-west-1":{"s3":{}}}}]}""", "$.accounts[0].regions.eu-west-1.s3: unknown section")]
    [InlineData("""{"accounts":[{"id":"111111111111","regions":{"eu-weest-1":{}}}]}""", "$.accounts[0].regions.eu-weest-1: 'eu-weest-1' is not a Region of the aws partition")]
    [InlineData("""{"accounts":[{"id":"111111111111","partition":"aws-cn","regions":{"eu-west-1":{}}}]}""", "$.accounts[0].regions.eu-west-1: 'eu-west-1' is not a Region of the aws-cn partition")]
    [InlineData("""{"accounts":[{"id":"111111111111","users":[{"name":"a","attachedPolicies":["Missing"]}]}]}""", "$.accounts[0].users[0].attachedPolicies[0]: no managed policy 'Missing'")]
    [InlineData("""not json""", "fixture: not valid JSON")]
    public void Invalid_fixtures_are_refused_with_the_json_path_of_the_problem(string json, string expected)
    {
        var world = new World();
        var ex = Assert.Throws<FixtureException>(() => FixtureLoader.Load(world, json, s_now));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Empty(world.Accounts);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var ex = Assert.Throws<FixtureException>(() => FixtureLoader.Load(new World(), """{"accounts":[{"id":"x"},{"id":"111111111111","alias":"-bad-"}]}""", s_now));
        Assert.Contains("$.accounts[0].id", ex.Message, StringComparison.Ordinal);
        Assert.Contains("$.accounts[1].alias", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Managed_policies_attach_by_name_or_arn_and_become_identity_policies()
    {
        const string json = """
            {"accounts":[{"id":"111111111111","partition":"aws","managedPolicies":[{"name":"ReadSnapshots","path":"/vault/","document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeSnapshots","Resource":"*"}]}}],
              "users":[{"name":"u","path":"/people/","attachedPolicies":["ReadSnapshots","arn:aws:iam::aws:policy/AdministratorAccess"],
                "accessKeys":[{"accessKeyId":"AKIAUSER000000000001","secretAccessKey":"0123456789012345678901234567890123456789","status":"Inactive"}]}]}]}
            """;
        var world = new World();
        FixtureLoader.Load(world, json, s_now);
        var account = world.Accounts["111111111111"];
        var user = account.Users["u"];

        Assert.Equal("arn:aws:iam::111111111111:user/people/u", user.Arn);
        Assert.Equal(["arn:aws:iam::111111111111:policy/vault/ReadSnapshots", "arn:aws:iam::aws:policy/AdministratorAccess"], user.AttachedPolicies);
        var caller = Caller.ForUser(account, user, user.AccessKeys[0]);
        Assert.Equal(2, caller.IdentityPolicies.Count);
        Assert.False(user.AccessKeys[0].IsActive);
    }
}
