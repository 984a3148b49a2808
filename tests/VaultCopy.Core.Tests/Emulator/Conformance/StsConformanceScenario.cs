using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace VaultCopy.Core.Tests.Emulator.Conformance;

/// <summary>STS through the real SDK: GetCallerIdentity, AssumeRole with every parameter the emulator reads, and its errors.</summary>
internal sealed class StsConformanceScenario : IConformanceScenario
{
    private const string AdminKey = "AKIASTSCONFADMIN0001";
    private const string AdminSecret = "stsConformanceAdminSecret/FAKE/000000001";

    private const string World = """
        {
          "accounts": [
            {
              "id": "111111111111",
              "users": [
                {
                  "name": "admin",
                  "accessKeys": [ { "accessKeyId": "AKIASTSCONFADMIN0001", "secretAccessKey": "stsConformanceAdminSecret/FAKE/000000001" } ],
                  "inlinePolicies": { "All": { "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "*", "Resource": "*" } ] } }
                }
              ],
              "roles": [
                {
                  "name": "Open",
                  "trustPolicy": { "Version": "2012-10-17", "Statement": [ {
                    "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111111111111:root" },
                    "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"] } ] }
                },
                {
                  "name": "Closed",
                  "trustPolicy": { "Version": "2012-10-17", "Statement": [ {
                    "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::999999999999:root" }, "Action": "sts:AssumeRole" } ] }
                }
              ]
            }
          ]
        }
        """;

    public string Service => "sts";

    public async Task RunAsync(ConformanceContext context)
    {
        context.LoadWorld(World);
        using var sts = new AmazonSecurityTokenServiceClient(
            new BasicAWSCredentials(AdminKey, AdminSecret),
            new AmazonSecurityTokenServiceConfig { ServiceURL = context.Server.BaseUri.ToString(), AuthenticationRegion = "us-east-1" });

        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal("111111111111", identity.Account);

        var assumed = await sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = "arn:aws:iam::111111111111:role/Open",
            RoleSessionName = "conformance",
            DurationSeconds = 900,
            ExternalId = "external-id",
            SourceIdentity = "conformance-source",
            Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""",
            Tags = [new Tag { Key = "project", Value = "vault" }, new Tag { Key = "team", Value = "backup" }],
        });
        Assert.Equal("conformance-source", assumed.SourceIdentity);

        await ExpectAsync("AccessDenied", () => sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = "arn:aws:iam::111111111111:role/Closed", RoleSessionName = "s1" }));
        await ExpectAsync("ValidationError", () => sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = "arn:aws:iam::111111111111:role/Open", RoleSessionName = "s0", DurationSeconds = 43200 }));
        await ExpectAsync("MalformedPolicyDocument", () => sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = "arn:aws:iam::111111111111:role/Open", RoleSessionName = "s2", Policy = """{"Statement":[]}""",
        }));
    }

    private static async Task ExpectAsync(string code, Func<Task> call)
    {
        var error = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(call);
        Assert.Equal(code, error.ErrorCode);
    }
}
