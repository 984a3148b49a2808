using System.Net;
using Amazon.Runtime;

namespace VaultCopy.Core.Tests.Emulator;

/// <summary>Query-string (presigned) SigV4: the form EC2 CopySnapshot and RDS CopyDBSnapshot embed.</summary>
public class PresignedRequestTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    private const string Query = "Action=GetCallerIdentity&Version=2011-06-15";

    public Task InitializeAsync() => emulator.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_presigned_GET_verifies()
    {
        var uri = await RawAws.PresignAsync(emulator.BaseUri, "sts", Query, Demo.OriginAdmin, TimeSpan.FromMinutes(10));
        Assert.Contains("X-Amz-Signature=", uri.Query, StringComparison.Ordinal);

        using var response = await emulator.Http.GetAsync(uri);
        string body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("arn:aws:iam::111111111111:user/origin-admin", RawAws.Element(RawAws.Xml(body), "Arn"));

        var calls = await emulator.GetJsonAsync("calls");
        var last = calls["recent"]!.AsArray().Last()!;
        Assert.True((bool)last["presigned"]!);
        Assert.Equal("valid", (string?)last["signature"]);
    }

    [Fact]
    public async Task A_presigned_GET_with_session_credentials_carries_the_token_in_the_query()
    {
        using var sts = emulator.Sts(Demo.OriginAdmin);
        var role = await sts.AssumeRoleAsync(new Amazon.SecurityToken.Model.AssumeRoleRequest
        {
            RoleArn = Demo.VaultRoleArn,
            RoleSessionName = "presigner",
            ExternalId = Demo.ExternalId,
        });
        var session = new SessionAWSCredentials(role.Credentials.AccessKeyId, role.Credentials.SecretAccessKey, role.Credentials.SessionToken);
        var uri = await RawAws.PresignAsync(emulator.BaseUri, "sts", Query, session, TimeSpan.FromMinutes(10));
        Assert.Contains("X-Amz-Security-Token=", uri.Query, StringComparison.Ordinal);

        using var response = await emulator.Http.GetAsync(uri);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("arn:aws:sts::222222222222:assumed-role/VaultCopyVault/presigner",
            RawAws.Element(RawAws.Xml(await response.Content.ReadAsStringAsync()), "Arn"));
    }

    [Fact]
    public async Task A_tampered_presigned_GET_does_not_verify()
    {
        var uri = await RawAws.PresignAsync(emulator.BaseUri, "sts", Query, Demo.OriginAdmin, TimeSpan.FromMinutes(10));
        var tampered = new Uri(uri.ToString().Replace("Action=GetCallerIdentity", "Action=AssumeRole", StringComparison.Ordinal));

        using var response = await emulator.Http.GetAsync(tampered);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("SignatureDoesNotMatch", RawAws.Element(RawAws.Xml(await response.Content.ReadAsStringAsync()), "Code"));
    }

    [Fact]
    public async Task A_presigned_GET_past_X_Amz_Expires_is_refused()
    {
        var uri = await RawAws.PresignAsync(emulator.BaseUri, "sts", Query, Demo.OriginAdmin, TimeSpan.FromMinutes(5),
            signedAt: DateTime.UtcNow.AddMinutes(-6));

        using var response = await emulator.Http.GetAsync(uri);
        var root = RawAws.Xml(await response.Content.ReadAsStringAsync());
        Assert.Equal("SignatureDoesNotMatch", RawAws.Element(root, "Code"));
        Assert.StartsWith("Signature expired: ", RawAws.Element(root, "Message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task X_Amz_Expires_is_honoured_beyond_15_minutes()
    {
        var uri = await RawAws.PresignAsync(emulator.BaseUri, "sts", Query, Demo.OriginAdmin, TimeSpan.FromHours(2),
            signedAt: DateTime.UtcNow.AddMinutes(-30));

        using var response = await emulator.Http.GetAsync(uri);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_presigned_ec2_url_that_fails_answers_in_the_ec2_envelope()
    {
        var uri = await RawAws.PresignAsync(emulator.BaseUri, "ec2", "Action=DescribeSnapshots&Version=2016-11-15",
            new BasicAWSCredentials(Demo.OriginAdminKey, "wrongSecretKeyWrongSecretKeyWrongSecret1"), TimeSpan.FromMinutes(10));

        using var response = await emulator.Http.GetAsync(uri);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var root = RawAws.Xml(await response.Content.ReadAsStringAsync());
        Assert.Equal("Response", root.Name.LocalName);
        Assert.Equal("AuthFailure", RawAws.Element(root, "Code"));
    }
}
