using System.Text.Json.Nodes;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Tests.Emulator;
using VaultCopy.Core.Tests.Emulator.Rds;

namespace VaultCopy.Core.Tests.KeyAccess;

/// <summary>
/// The demo world plus vault roles whose identity policies do NOT already allow the origin key, so the identity
/// policy step has work to do: VaultCopyNarrow (may write its own inline policies and edit the vault key's policy),
/// VaultCopyNoIam (may not write IAM), VaultCopyCrowded (inline policies near IAM's 10,240-character quota); and
/// origin keys that are disabled or pending deletion.
/// </summary>
public sealed class KeyAccessEmulatorFixture : EmulatorFixture
{
    public const string NarrowRoleArn = "arn:aws:iam::222222222222:role/VaultCopyNarrow";
    public const string NoIamRoleArn = "arn:aws:iam::222222222222:role/VaultCopyNoIam";
    public const string CrowdedRoleArn = "arn:aws:iam::222222222222:role/VaultCopyCrowded";
    public const string OriginKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111";
    public const string VaultKeyArn = "arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222";
    public const string DisabledKeyId = "a1b2c3d4-0000-4000-8000-d15ab1ed0001";
    public const string DoomedKeyId = "a1b2c3d4-0000-4000-8000-dead00000001";

    protected override string? FixtureJson { get; } = Build();

    public async Task<VaultAccount> OriginAsync() => await AccountConnector.ConnectAsync(new ConnectionRequest
    {
        AccessKey = Demo.OriginAdminKey,
        SecretKey = Demo.OriginAdminSecret,
        Region = Demo.Region,
        EndpointUrl = BaseUri.ToString(),
    });

    public async Task<VaultAccount> VaultAsync(VaultAccount origin, string roleArn) => await AccountConnector.ConnectAsync(new ConnectionRequest
    {
        SourceAccount = origin,
        RoleArn = roleArn,
        ExternalId = Demo.ExternalId,
        EndpointUrl = BaseUri.ToString(),
    });

    public AmazonKeyManagementServiceClient Kms(AWSCredentials credentials) =>
        new(credentials, new AmazonKeyManagementServiceConfig { ServiceURL = BaseUri.ToString(), AuthenticationRegion = Demo.Region, MaxErrorRetry = 0 });

    public Amazon.EC2.AmazonEC2Client Ec2(AWSCredentials credentials) =>
        new(credentials, new Amazon.EC2.AmazonEC2Config { ServiceURL = BaseUri.ToString(), AuthenticationRegion = Demo.Region, MaxErrorRetry = 0 });

    internal RdsApi Rds(AWSCredentials credentials) => new(Http, BaseUri, credentials);

    /// <summary>Credentials of a session of a vault role, assumed from the origin admin as the vault copy would.</summary>
    public async Task<AWSCredentials> RoleSessionAsync(string roleArn)
    {
        using var sts = Sts(Demo.OriginAdmin);
        var response = await sts.AssumeRoleAsync(new Amazon.SecurityToken.Model.AssumeRoleRequest
        {
            RoleArn = roleArn,
            RoleSessionName = "keyaccess-test",
            ExternalId = Demo.ExternalId,
        });
        return response.Credentials;
    }

    private static string Build()
    {
        var world = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests/VaultCopy.Emulator/Fixtures/demo-world.json")))!.AsObject();
        JsonObject origin = world["accounts"]![0]!.AsObject();
        JsonObject vault = world["accounts"]![1]!.AsObject();
        JsonArray originKeys = origin["regions"]!["eu-west-1"]!["kms"]!["keys"]!.AsArray();
        originKeys.Add(new JsonObject { ["id"] = DisabledKeyId, ["description"] = "disabled", ["state"] = "Disabled" });
        originKeys.Add(new JsonObject { ["id"] = DoomedKeyId, ["description"] = "doomed", ["state"] = "PendingDeletion" });

        JsonArray roles = vault["roles"]!.AsArray();
        JsonNode trust = roles[0]!["trustPolicy"]!.DeepClone();
        roles.Add(Role("VaultCopyNarrow", trust, selfIam: true));
        roles.Add(Role("VaultCopyNoIam", trust, selfIam: false));
        JsonObject crowded = Role("VaultCopyCrowded", trust, selfIam: true);
        // Close to the role quota (10,240 non-whitespace characters over all inline policies): no room for ours.
        crowded["inlinePolicies"]!["Filler"] = JsonNode.Parse(
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":[" +
            string.Join(",", Enumerable.Range(0, 205).Select(i => $"\"arn:aws:s3:::vaultcopy-filler-bucket-{i:D4}/*\"")) + "]}]}");
        roles.Add(crowded);
        return world.ToJsonString();
    }

    private static JsonObject Role(string name, JsonNode trust, bool selfIam)
    {
        var statements = new JsonArray
        {
            new JsonObject
            {
                ["Sid"] = "CopyWork",
                ["Effect"] = "Allow",
                ["Action"] = new JsonArray("sts:GetCallerIdentity", "rds:*", "ec2:*", "iam:Get*", "iam:List*", "iam:SimulatePrincipalPolicy"),
                ["Resource"] = "*",
            },
            new JsonObject
            {
                ["Sid"] = "VaultKeyAdmin",
                ["Effect"] = "Allow",
                ["Action"] = new JsonArray("kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy"),
                ["Resource"] = VaultKeyArn,
            },
        };
        if (selfIam)
        {
            statements.Add(new JsonObject
            {
                ["Sid"] = "OwnInlinePolicies",
                ["Effect"] = "Allow",
                ["Action"] = new JsonArray("iam:PutRolePolicy", "iam:DeleteRolePolicy"),
                ["Resource"] = $"arn:aws:iam::222222222222:role/{name}",
            });
        }

        return new JsonObject
        {
            ["name"] = name,
            ["maxSessionDuration"] = 43200,
            ["trustPolicy"] = trust.DeepClone(),
            ["inlinePolicies"] = new JsonObject { ["CopyWork"] = new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = statements } },
        };
    }
}
