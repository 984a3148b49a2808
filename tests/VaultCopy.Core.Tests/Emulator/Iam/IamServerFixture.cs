using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using VaultCopy.Emulator.Hosting;

namespace VaultCopy.Core.Tests.Emulator.Iam;

/// <summary>One in-process emulator per test class, loaded with <see cref="IamWorld.Json"/>; tests reset it first.</summary>
public sealed class IamServerFixture : IAsyncLifetime
{
    public EmulatorServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await EmulatorServer.StartAsync(new EmulatorOptions { FixtureJson = IamWorld.Json });

    public async Task DisposeAsync() => await Server.DisposeAsync();

    internal SignedQueryClient Iam(string accessKeyId, string region = "us-east-1") =>
        SignedQueryClient.Iam(Server.BaseUri, accessKeyId, IamWorld.Secret(accessKeyId), region);

    internal SignedQueryClient Iam(AWSCredentials credentials) => SignedQueryClient.Iam(Server.BaseUri, credentials);

    /// <summary>A role session obtained through the real STS SDK client.</summary>
    internal async Task<SessionAWSCredentials> AssumeRoleAsync(string callerKeyId, string roleArn)
    {
        using var sts = new AmazonSecurityTokenServiceClient(
            new BasicAWSCredentials(callerKeyId, IamWorld.Secret(callerKeyId)),
            new AmazonSecurityTokenServiceConfig { ServiceURL = Server.BaseUri.ToString(), AuthenticationRegion = "us-east-1" });
        var response = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = "iam-tests" });
        var c = response.Credentials;
        return new SessionAWSCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken);
    }
}

/// <summary>The IAM test world: origin account 111111111111 (users, roles, a service-linked role) and 222222222222.</summary>
internal static class IamWorld
{
    public const string Origin = "111111111111";
    public const string Other = "222222222222";

    public const string AdminKey = "AKIAIAMADMIN00000001";
    public const string AliceKey = "AKIAIAMALICE00000001";
    public const string NobodyKey = "AKIAIAMNOBODY0000001";
    public const string GuardedKey = "AKIAIAMGUARDED000001";
    public const string RootKey = "AKIAIAMROOT000000001";
    public const string BobKey = "AKIAIAMBOB0000000001";

    public const string VaultRoleArn = "arn:aws:iam::111111111111:role/VaultCopyRole";
    public const string OperatorRoleArn = "arn:aws:iam::111111111111:role/ops/Operator";

    /// <summary>The inline policy of VaultCopyRole, laid out so statement positions are known (see the simulator tests).</summary>
    public const string VaultWorkPolicy = """
        {
          "Version": "2012-10-17",
          "Statement": [
            {"Sid": "Copy", "Effect": "Allow", "Action": "ec2:CopySnapshot", "Resource": "arn:aws:ec2:*::snapshot/*"},
            {"Sid": "NoDelete", "Effect": "Deny", "Action": "ec2:DeleteSnapshot", "Resource": "*"},
            {"Sid": "ViaEbs", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
             "Condition": {"StringEquals": {"kms:ViaService": "ec2.eu-west-1.amazonaws.com"}}}
          ]
        }
        """;

    // 40-character fake secrets derived from the key id, so tests need only the id.
    public static string Secret(string accessKeyId) => (accessKeyId + "/SECRET/FAKE/SECRET/FAKE/XXXXXXXXXXXXXX")[..40];

    public static string Json { get; } = """
        {
          "accounts": [
            {
              "id": "111111111111",
              "rootAccessKeys": [ { "accessKeyId": "AKIAIAMROOT000000001", "secretAccessKey": "SECRET_ROOT" } ],
              "managedPolicies": [
                {
                  "name": "ReadRoles",
                  "path": "/vaultcopy/",
                  "document": { "Version": "2012-10-17", "Statement": [
                    { "Effect": "Allow", "Action": ["iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy"], "Resource": "arn:aws:iam::111111111111:role/*" } ] }
                }
              ],
              "users": [
                {
                  "name": "admin",
                  "accessKeys": [ { "accessKeyId": "AKIAIAMADMIN00000001", "secretAccessKey": "SECRET_ADMIN" } ],
                  "inlinePolicies": { "Admin": { "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "*", "Resource": "*" } ] } },
                  "attachedPolicies": [ "ReadRoles", "arn:aws:iam::aws:policy/AdministratorAccess" ]
                },
                {
                  "name": "alice",
                  "path": "/team/",
                  "accessKeys": [ { "accessKeyId": "AKIAIAMALICE00000001", "secretAccessKey": "SECRET_ALICE" } ],
                  "inlinePolicies": {
                    "SelfService": { "Version": "2012-10-17", "Statement": [
                      { "Effect": "Allow", "Action": ["iam:GetUser", "iam:ListUserPolicies", "iam:GetUserPolicy", "iam:ListAttachedUserPolicies"], "Resource": "arn:aws:iam::111111111111:user/team/${aws:username}" } ] }
                  },
                  "attachedPolicies": [ "ReadRoles" ]
                },
                {
                  "name": "guarded",
                  "accessKeys": [ { "accessKeyId": "AKIAIAMGUARDED000001", "secretAccessKey": "SECRET_GUARDED" } ],
                  "inlinePolicies": { "AllButProtected": { "Version": "2012-10-17", "Statement": [
                    { "Effect": "Allow", "Action": "iam:*", "Resource": "*" },
                    { "Effect": "Deny", "Action": ["iam:GetRole", "iam:PutRolePolicy"], "Resource": "arn:aws:iam::111111111111:role/VaultCopyRole" } ] } }
                },
                {
                  "name": "nobody",
                  "accessKeys": [ { "accessKeyId": "AKIAIAMNOBODY0000001", "secretAccessKey": "SECRET_NOBODY" } ]
                }
              ],
              "roles": [
                {
                  "name": "VaultCopyRole",
                  "description": "Copies backups into the vault.",
                  "maxSessionDuration": 7200,
                  "trustPolicy": { "Version": "2012-10-17", "Statement": [
                    { "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111111111111:root" }, "Action": "sts:AssumeRole" } ] },
                  "inlinePolicies": { "VaultWork": "VAULT_WORK" },
                  "attachedPolicies": [ "ReadRoles" ]
                },
                {
                  "name": "Operator",
                  "path": "/ops/",
                  "trustPolicy": { "Version": "2012-10-17", "Statement": [
                    { "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111111111111:root" }, "Action": "sts:AssumeRole" } ] },
                  "inlinePolicies": { "Operate": { "Version": "2012-10-17", "Statement": [
                    { "Effect": "Allow", "Action": ["iam:PutRolePolicy", "iam:GetRole"], "Resource": "arn:aws:iam::111111111111:role/ops/Operator" } ] } }
                },
                {
                  "name": "AWSServiceRoleForSupport",
                  "path": "/aws-service-role/support.amazonaws.com/",
                  "trustPolicy": { "Version": "2012-10-17", "Statement": [
                    { "Effect": "Allow", "Principal": { "Service": "support.amazonaws.com" }, "Action": "sts:AssumeRole" } ] },
                  "inlinePolicies": { "AWSSupportServiceRolePolicy": { "Version": "2012-10-17", "Statement": [
                    { "Effect": "Allow", "Action": "support:*", "Resource": "*" } ] } }
                }
              ]
            },
            {
              "id": "222222222222",
              "users": [
                {
                  "name": "bob",
                  "accessKeys": [ { "accessKeyId": "AKIAIAMBOB0000000001", "secretAccessKey": "SECRET_BOB" } ],
                  "inlinePolicies": { "KeyUser": { "Version": "2012-10-17", "Statement": [
                    { "Effect": "Allow", "Action": ["kms:Decrypt", "iam:*"], "Resource": "*" } ] } }
                }
              ]
            }
          ]
        }
        """
        .Replace("\"VAULT_WORK\"", System.Text.Json.JsonSerializer.Serialize(VaultWorkPolicy), StringComparison.Ordinal)
        .Replace("SECRET_ROOT", Secret(RootKey), StringComparison.Ordinal)
        .Replace("SECRET_ADMIN", Secret(AdminKey), StringComparison.Ordinal)
        .Replace("SECRET_ALICE", Secret(AliceKey), StringComparison.Ordinal)
        .Replace("SECRET_GUARDED", Secret(GuardedKey), StringComparison.Ordinal)
        .Replace("SECRET_NOBODY", Secret(NobodyKey), StringComparison.Ordinal)
        .Replace("SECRET_BOB", Secret(BobKey), StringComparison.Ordinal);
}
