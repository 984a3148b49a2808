using System.Net;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace VaultCopy.Core.Tests.Emulator;

/// <summary>STS through the real AWS SDK for .NET against the demo world.</summary>
public class StsSdkTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => emulator.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task GetCallerIdentity_for_a_user()
    {
        using var sts = emulator.Sts(Demo.OriginAdmin);
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(Demo.OriginAccount, identity.Account);
        Assert.Equal("arn:aws:iam::111111111111:user/origin-admin", identity.Arn);
        Assert.Matches("^AIDA[A-Z0-9]{16,17}$", identity.UserId);
        Assert.Equal(HttpStatusCode.OK, identity.HttpStatusCode);
        Assert.False(string.IsNullOrEmpty(identity.ResponseMetadata.RequestId));
    }

    [Fact]
    public async Task AssumeRole_cross_account_with_external_id_returns_AWS_shaped_credentials()
    {
        using var sts = emulator.Sts(Demo.OriginAdmin);
        var before = DateTime.UtcNow;
        var response = await sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = Demo.VaultRoleArn,
            RoleSessionName = "vault-copy",
            ExternalId = Demo.ExternalId,
        });

        Assert.Equal("arn:aws:sts::222222222222:assumed-role/VaultCopyVault/vault-copy", response.AssumedRoleUser.Arn);
        Assert.Matches("^AROA[A-Z0-9]{16,17}:vault-copy$", response.AssumedRoleUser.AssumedRoleId);
        Assert.Matches("^ASIA[A-Z0-9]{16}$", response.Credentials.AccessKeyId);
        Assert.Equal(40, response.Credentials.SecretAccessKey.Length);
        Assert.False(string.IsNullOrEmpty(response.Credentials.SessionToken));
        var expiration = response.Credentials.Expiration!.Value.ToUniversalTime();
        Assert.InRange(expiration, before.AddSeconds(3590), before.AddSeconds(3610));
    }

    [Fact]
    public async Task GetCallerIdentity_for_an_assumed_role()
    {
        var credentials = await AssumeVaultRoleAsync();
        using var sts = emulator.Sts(credentials);
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(Demo.VaultAccount, identity.Account);
        Assert.Equal("arn:aws:sts::222222222222:assumed-role/VaultCopyVault/vault-copy", identity.Arn);
        Assert.Matches("^AROA[A-Z0-9]{16,17}:vault-copy$", identity.UserId);
    }

    [Fact]
    public async Task Wrong_external_id_is_AccessDenied()
    {
        using var sts = emulator.Sts(Demo.OriginAdmin);
        var ex = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = Demo.VaultRoleArn,
            RoleSessionName = "vault-copy",
            ExternalId = "not-the-agreed-id",
        }));

        Assert.Equal("AccessDenied", ex.ErrorCode);
        Assert.Equal(ErrorType.Sender, ex.ErrorType);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Equal(
            "User: arn:aws:iam::111111111111:user/origin-admin is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/VaultCopyVault",
            ex.Message);
    }

    [Fact]
    public async Task Missing_external_id_is_AccessDenied()
    {
        using var sts = emulator.Sts(Demo.OriginAdmin);
        var ex = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() =>
            sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = Demo.VaultRoleArn, RoleSessionName = "vault-copy" }));
        Assert.Equal("AccessDenied", ex.ErrorCode);
    }

    [Fact]
    public async Task Cross_account_needs_sts_AssumeRole_in_the_callers_identity_policy_too()
    {
        // The vault role trusts the whole origin account, but the auditor's own policy does not allow AssumeRole.
        using var sts = emulator.Sts(Demo.OriginAuditor);
        var ex = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = Demo.VaultRoleArn,
            RoleSessionName = "auditor",
            ExternalId = Demo.ExternalId,
        }));

        Assert.Equal("AccessDenied", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.StartsWith("User: arn:aws:iam::111111111111:user/origin-auditor is not authorized to perform: sts:AssumeRole", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_role_that_does_not_exist_is_refused_like_an_untrusted_one()
    {
        using var sts = emulator.Sts(Demo.OriginAdmin);
        var ex = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = "arn:aws:iam::222222222222:role/NoSuchRole",
            RoleSessionName = "vault-copy",
            ExternalId = Demo.ExternalId,
        }));
        Assert.Equal("AccessDenied", ex.ErrorCode);
        Assert.EndsWith("on resource: arn:aws:iam::222222222222:role/NoSuchRole", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Role_chaining_is_capped_at_one_hour()
    {
        using var admin = emulator.Sts(Demo.OriginAdmin);
        var origin = await admin.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = Demo.OriginRoleArn, RoleSessionName = "origin", DurationSeconds = 7200 });
        using var chained = emulator.Sts(Session(origin.Credentials));

        var ex = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => chained.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = Demo.VaultRoleArn,
            RoleSessionName = "vault",
            ExternalId = Demo.ExternalId,
            DurationSeconds = 7200,
        }));
        Assert.Equal("ValidationError", ex.ErrorCode);
        Assert.Equal("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.", ex.Message);

        var vault = await chained.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = Demo.VaultRoleArn,
            RoleSessionName = "vault",
            ExternalId = Demo.ExternalId,
            DurationSeconds = 3600,
        });
        Assert.Equal("arn:aws:sts::222222222222:assumed-role/VaultCopyVault/vault", vault.AssumedRoleUser.Arn);

        // The same duration is fine without chaining: the vault role allows 12 hours.
        var direct = await admin.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = Demo.VaultRoleArn,
            RoleSessionName = "vault",
            ExternalId = Demo.ExternalId,
            DurationSeconds = 7200,
        });
        Assert.NotNull(direct.Credentials);
    }

    [Fact]
    public async Task Session_expires_with_world_time_and_is_refused_as_ExpiredToken()
    {
        var credentials = await AssumeVaultRoleAsync(durationSeconds: 900);
        using var sts = emulator.Sts(credentials);
        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        await emulator.AdvanceClockAsync(TimeSpan.FromMinutes(16));

        var ex = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.Equal("ExpiredToken", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Equal("The security token included in the request is expired", ex.Message);
    }

    [Fact]
    public async Task Wrong_secret_is_SignatureDoesNotMatch()
    {
        using var sts = emulator.Sts(new BasicAWSCredentials(Demo.OriginAdminKey, "wrongSecretKeyWrongSecretKeyWrongSecret1"));
        var ex = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal("SignatureDoesNotMatch", ex.ErrorCode);
        Assert.Equal(ErrorType.Sender, ex.ErrorType);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.StartsWith("The request signature we calculated does not match the signature you provided.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_access_key_is_InvalidClientTokenId()
    {
        using var sts = emulator.Sts(new BasicAWSCredentials("AKIANOSUCHKEY0000000", Demo.OriginAdminSecret));
        var ex = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal("InvalidClientTokenId", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Equal("The security token included in the request is invalid.", ex.Message);
    }

    [Fact]
    public async Task A_session_key_with_a_forged_token_is_InvalidClientTokenId()
    {
        var credentials = (await AssumeVaultRoleAsync()).GetCredentials();
        using var sts = emulator.Sts(new SessionAWSCredentials(credentials.AccessKey, credentials.SecretKey, "forged" + credentials.Token));
        var ex = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.Equal("InvalidClientTokenId", ex.ErrorCode);
    }

    [Fact]
    public async Task Model_constraints_are_ValidationError_with_every_violation()
    {
        using var sts = emulator.Sts(Demo.OriginAdmin);
        var ex = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = Demo.VaultRoleArn,
            // Through variables: the SDK's analyzers reject these constants at compile time, but the SDK sends them.
            RoleSessionName = Invalid("has space"),
            DurationSeconds = int.Parse(Invalid("600"), System.Globalization.CultureInfo.InvariantCulture),
            ExternalId = Demo.ExternalId,
        }));

        Assert.Equal("ValidationError", ex.ErrorCode);
        Assert.Equal(
            "2 validation errors detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*; " +
            "Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
            ex.Message);
    }

    [Fact]
    public async Task A_malformed_session_policy_is_MalformedPolicyDocument()
    {
        using var sts = emulator.Sts(Demo.OriginAdmin);
        var ex = await Assert.ThrowsAsync<MalformedPolicyDocumentException>(() => sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = Demo.OriginRoleArn,
            RoleSessionName = "scoped",
            Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"*","Resource":"*"}]}""",
        }));
        Assert.Equal("MalformedPolicyDocument", ex.ErrorCode);
    }

    [Fact]
    public async Task A_session_policy_narrows_the_role_permissions()
    {
        using var admin = emulator.Sts(Demo.OriginAdmin);
        var scoped = await admin.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = Demo.OriginRoleArn,
            RoleSessionName = "scoped",
            Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}]}""",
        });
        using var sts = emulator.Sts(Session(scoped.Credentials));

        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        var ex = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = Demo.VaultRoleArn,
            RoleSessionName = "vault",
            ExternalId = Demo.ExternalId,
        }));
        Assert.Equal("AccessDenied", ex.ErrorCode);
    }

    private async Task<SessionAWSCredentials> AssumeVaultRoleAsync(int durationSeconds = 3600)
    {
        using var sts = emulator.Sts(Demo.OriginAdmin);
        var response = await sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = Demo.VaultRoleArn,
            RoleSessionName = "vault-copy",
            ExternalId = Demo.ExternalId,
            DurationSeconds = durationSeconds,
        });
        return Session(response.Credentials);
    }

    private static string Invalid(string value) => value;

    private static SessionAWSCredentials Session(Credentials credentials) =>
        new(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken);
}
