using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace VaultCopy.Core.Tests.Emulator;

/// <summary>A world built for the STS rules the demo world does not exercise.</summary>
public sealed class StsRulesWorld : EmulatorFixture
{
    public const string DeniedKey = "AKIADENIED0000000001";
    public const string DeniedSecret = "deniedSecretKey/FAKE/DemoOnly+0000000001";
    public const string AdminKey = "AKIAADMIN00000000001";
    public const string AdminSecret = "adminSecretKey/FAKE/DemoOnly+00000000001";
    public const string RootKey = "AKIAROOT000000000001";
    public const string RootSecret = "rootSecretKey/FAKE/DemoOnly+000000000001";
    public const string ShortRoleArn = "arn:aws:iam::444444444444:role/Short";
    public const string NamedRoleArn = "arn:aws:iam::444444444444:role/NamesTheUser";
    public const string PlainRoleArn = "arn:aws:iam::444444444444:role/Plain";

    protected override string? FixtureJson => """
        {
          "accounts": [{
            "id": "444444444444",
            "rootAccessKeys": [{ "accessKeyId": "AKIAROOT000000000001", "secretAccessKey": "rootSecretKey/FAKE/DemoOnly+000000000001" }],
            "users": [{
              "name": "admin",
              "accessKeys": [{ "accessKeyId": "AKIAADMIN00000000001", "secretAccessKey": "adminSecretKey/FAKE/DemoOnly+00000000001" }],
              "attachedPolicies": ["arn:aws:iam::aws:policy/AdministratorAccess"]
            }, {
              "name": "denied",
              "accessKeys": [{ "accessKeyId": "AKIADENIED0000000001", "secretAccessKey": "deniedSecretKey/FAKE/DemoOnly+0000000001" }],
              "inlinePolicies": { "DenyAll": { "Version": "2012-10-17", "Statement": [{ "Effect": "Deny", "Action": "*", "Resource": "*" }] } }
            }],
            "roles": [
              {
                "name": "Short",
                "trustPolicy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::444444444444:root" }, "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"] }] },
                "inlinePolicies": { "p": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*" }] } }
              },
              {
                "name": "Plain",
                "trustPolicy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Principal": { "AWS": "444444444444" }, "Action": "sts:AssumeRole" }] }
              },
              {
                "name": "NamesTheUser",
                "trustPolicy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::444444444444:user/denied" }, "Action": "sts:AssumeRole" }] }
              }
            ]
          }]
        }
        """;
}

public class StsRulesTests(StsRulesWorld emulator) : IClassFixture<StsRulesWorld>, IAsyncLifetime
{
    private static readonly BasicAWSCredentials s_denied = new(StsRulesWorld.DeniedKey, StsRulesWorld.DeniedSecret);
    private static readonly BasicAWSCredentials s_root = new(StsRulesWorld.RootKey, StsRulesWorld.RootSecret);
    private static readonly BasicAWSCredentials s_admin = new(StsRulesWorld.AdminKey, StsRulesWorld.AdminSecret);

    public Task InitializeAsync() => emulator.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task GetCallerIdentity_cannot_be_denied()
    {
        using var sts = emulator.Sts(s_denied);
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal("arn:aws:iam::444444444444:user/denied", identity.Arn);
    }

    [Fact]
    public async Task An_explicit_deny_in_the_identity_policy_beats_a_trust_policy_naming_the_user()
    {
        using var sts = emulator.Sts(s_denied);
        var ex = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() =>
            sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = StsRulesWorld.NamedRoleArn, RoleSessionName = "session" }));
        Assert.Equal("AccessDenied", ex.ErrorCode);
    }

    [Fact]
    public async Task Root_is_identified_but_may_not_assume_roles()
    {
        using var sts = emulator.Sts(s_root);
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal("arn:aws:iam::444444444444:root", identity.Arn);
        Assert.Equal("444444444444", identity.UserId);

        var ex = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() =>
            sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = StsRulesWorld.ShortRoleArn, RoleSessionName = "from-root" }));
        Assert.Equal("AccessDenied", ex.ErrorCode);
        Assert.Equal("Roles may not be assumed by root accounts.", ex.Message);
    }

    [Fact]
    public async Task A_role_arn_must_carry_the_roles_path()
    {
        using var sts = emulator.Sts(s_admin);
        var ex = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() =>
            sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = "arn:aws:iam::444444444444:role/some/path/Short", RoleSessionName = "pathed" }));
        Assert.Equal("AccessDenied", ex.ErrorCode);
        var ok = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = "arn:aws:iam::444444444444:role/short", RoleSessionName = "any-case" });
        Assert.Equal("arn:aws:sts::444444444444:assumed-role/Short/any-case", ok.AssumedRoleUser.Arn);
    }

    [Fact]
    public async Task DurationSeconds_above_the_roles_maximum_is_ValidationError()
    {
        using var sts = emulator.Sts(s_admin);
        var ex = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() =>
            sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = StsRulesWorld.ShortRoleArn, RoleSessionName = "long", DurationSeconds = 3601 }));
        Assert.Equal("ValidationError", ex.ErrorCode);
        Assert.Equal("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", ex.Message);
    }

    [Fact]
    public async Task Source_identity_is_set_once_and_carried_along_the_chain()
    {
        using var admin = emulator.Sts(s_admin);
        var first = await admin.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = StsRulesWorld.ShortRoleArn, RoleSessionName = "first", SourceIdentity = "alice" });
        Assert.Equal("alice", first.SourceIdentity);

        using var chained = emulator.Sts(new SessionAWSCredentials(first.Credentials.AccessKeyId, first.Credentials.SecretAccessKey, first.Credentials.SessionToken));
        var second = await chained.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = StsRulesWorld.ShortRoleArn, RoleSessionName = "second" });
        Assert.Equal("alice", second.SourceIdentity);
    }

    [Fact]
    public async Task Setting_a_source_identity_needs_sts_SetSourceIdentity_in_the_trust_policy()
    {
        using var admin = emulator.Sts(s_admin);
        var ex = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() =>
            admin.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = StsRulesWorld.PlainRoleArn, RoleSessionName = "with-identity", SourceIdentity = "bob" }));
        Assert.Equal("AccessDenied", ex.ErrorCode);
        Assert.Contains("sts:SetSourceIdentity", ex.Message, StringComparison.Ordinal);

        var plain = await admin.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = StsRulesWorld.PlainRoleArn, RoleSessionName = "without" });
        Assert.Null(plain.SourceIdentity);
    }
}
