using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using VaultCopy.Core.Tests.Emulator.Iam;
using static VaultCopy.Core.Tests.Emulator.Iam.IamWorld;

namespace VaultCopy.Core.Tests.Emulator.Conformance;

/// <summary>
/// IAM over signed raw HTTP: each operation succeeding with every parameter the emulator reads, and each error it
/// can raise (in the IAM test world, <see cref="IamWorld"/>).
/// </summary>
internal sealed class IamConformanceScenario : IConformanceScenario
{
    private const string Small = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""";

    public string Service => "iam";

    public async Task RunAsync(ConformanceContext context)
    {
        context.LoadWorld(IamWorld.Json);
        var admin = Client(context, AdminKey);

        // Users and roles.
        Ok(await Client(context, AliceKey).CallAsync("GetUser"));
        Ok(await admin.CallAsync("GetUser", ("UserName", "alice")));
        Ok(await Client(context, RootKey).CallAsync("GetUser"));
        Fail(await admin.CallAsync("GetUser", ("UserName", "ghost")), "NoSuchEntity");
        Fail(await Client(context, NobodyKey).CallAsync("GetUser", ("UserName", "alice")), "AccessDenied");
        Fail(await admin.CallAsync("GetUser", ("UserName", "bad name")), "ValidationError");
        Fail(await Client(context, AdminKey, "eu-west-1").CallAsync("GetUser"), "SignatureDoesNotMatch");
        Fail(await Client(context, await SessionAsync(context)).CallAsync("GetUser"), "ValidationError");
        Ok(await admin.CallAsync("GetRole", ("RoleName", "VaultCopyRole")));
        Fail(await admin.CallAsync("GetRole", ("RoleName", "Ghost")), "NoSuchEntity");

        // Inline policies.
        Ok(await admin.CallAsync("PutRolePolicy", ("RoleName", "VaultCopyRole"), ("PolicyName", "Extra"), ("PolicyDocument", Small)));
        Ok(await admin.CallAsync("PutUserPolicy", ("UserName", "nobody"), ("PolicyName", "Extra"), ("PolicyDocument", Small)));
        Fail(await admin.CallAsync("PutRolePolicy", ("RoleName", "VaultCopyRole"), ("PolicyName", "Bad"), ("PolicyDocument", "{")), "MalformedPolicyDocument");
        Fail(await admin.CallAsync("PutUserPolicy", ("UserName", "nobody"), ("PolicyName", "Big"), ("PolicyDocument", Large(3000))), "LimitExceeded");
        Fail(await admin.CallAsync("PutRolePolicy", ("RoleName", "AWSServiceRoleForSupport"), ("PolicyName", "X"), ("PolicyDocument", Small)), "UnmodifiableEntity");
        Fail(await admin.CallAsync("PutUserPolicy", ("UserName", "ghost"), ("PolicyName", "X"), ("PolicyDocument", Small)), "NoSuchEntity");
        Ok(await admin.CallAsync("GetRolePolicy", ("RoleName", "VaultCopyRole"), ("PolicyName", "Extra")));
        Ok(await admin.CallAsync("GetUserPolicy", ("UserName", "nobody"), ("PolicyName", "Extra")));
        Fail(await admin.CallAsync("GetRolePolicy", ("RoleName", "VaultCopyRole"), ("PolicyName", "Nope")), "NoSuchEntity");
        Fail(await admin.CallAsync("GetUserPolicy", ("UserName", "nobody"), ("PolicyName", "Nope")), "NoSuchEntity");

        // Lists, paged.
        var page = Ok(await admin.CallAsync("ListRolePolicies", ("RoleName", "VaultCopyRole"), ("MaxItems", "1")));
        Ok(await admin.CallAsync("ListRolePolicies", ("RoleName", "VaultCopyRole"), ("MaxItems", "1"), ("Marker", page.At("Marker")!)));
        Ok(await admin.CallAsync("ListUserPolicies", ("UserName", "nobody"), ("MaxItems", "10")));
        Fail(await admin.CallAsync("ListUserPolicies", ("UserName", "nobody"), ("Marker", "foreign")), "ValidationError");
        var attached = Ok(await admin.CallAsync("ListAttachedUserPolicies", ("UserName", "admin"), ("MaxItems", "1"), ("PathPrefix", "/")));
        Ok(await admin.CallAsync("ListAttachedUserPolicies", ("UserName", "admin"), ("MaxItems", "1"), ("PathPrefix", "/"), ("Marker", attached.At("Marker")!)));
        Ok(await admin.CallAsync("ListAttachedRolePolicies", ("RoleName", "VaultCopyRole"), ("PathPrefix", "/vaultcopy/"), ("MaxItems", "5")));
        Fail(await admin.CallAsync("ListAttachedRolePolicies", ("RoleName", "VaultCopyRole"), ("Marker", "foreign")), "InvalidInput");
        Fail(await admin.CallAsync("ListAttachedRolePolicies", ("RoleName", "Ghost")), "NoSuchEntity");

        // The simulator with every input it reads: one call across accounts (EvalDecisionDetails entries), paged.
        (string, string)[] simulation =
        [
            ("PolicySourceArn", VaultRoleArn),
            ("CallerArn", "arn:aws:iam::111111111111:user/admin"),
            ("ActionNames.member.1", "kms:Decrypt"),
            ("ActionNames.member.2", "ec2:CopySnapshot"),
            ("ResourceArns.member.1", "*"),
            ("ResourcePolicy", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}]}"""),
            ("ResourceOwner", "arn:aws:iam::222222222222:root"),
            ("ContextEntries.member.1.ContextKeyName", "kms:ViaService"),
            ("ContextEntries.member.1.ContextKeyValues.member.1", "ec2.eu-west-1.amazonaws.com"),
            ("ContextEntries.member.1.ContextKeyType", "string"),
            ("PolicyInputList.member.1", Small),
            ("PermissionsBoundaryPolicyInputList.member.1", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"""),
            ("PolicyExclusionList.member.1.PolicyType", "scp"),
            ("PolicyExclusionList.member.2.PolicyArn", "arn:aws:iam::111111111111:policy/vaultcopy/ReadRoles"),
            ("PolicyExclusionList.member.3.InlinePolicyIdentifier.PolicyName", "Extra"),
            ("PolicyExclusionList.member.3.InlinePolicyIdentifier.AttachmentType", "role"),
            ("PolicyExclusionList.member.3.InlinePolicyIdentifier.AttachmentName", "VaultCopyRole"),
            ("ResourceHandlingOption", "EC2-VPC-EBS"),
            ("MaxItems", "1"),
        ];
        var first = Ok(await admin.CallAsync("SimulatePrincipalPolicy", simulation));
        Ok(await admin.CallAsync("SimulatePrincipalPolicy", [.. simulation, ("Marker", first.At("Marker")!)]));
        // Same account with specific resources: ResourceSpecificResults, matched statements with positions.
        Ok(await admin.CallAsync("SimulatePrincipalPolicy",
            ("PolicySourceArn", VaultRoleArn), ("ActionNames.member.1", "ec2:CopySnapshot"), ("ActionNames.member.2", "ec2:DeleteSnapshot"),
            ("ResourceArns.member.1", "arn:aws:ec2:eu-west-1::snapshot/snap-0123456789abcdef0")));
        Fail(await admin.CallAsync("SimulatePrincipalPolicy", ("PolicySourceArn", "arn:aws:iam::111111111111:user/ghost"), ("ActionNames.member.1", "s3:GetObject")), "NoSuchEntity");
        Fail(await admin.CallAsync("SimulatePrincipalPolicy", ("PolicySourceArn", "arn:aws:sts::111111111111:assumed-role/R/s"), ("ActionNames.member.1", "s3:GetObject")), "InvalidInput");

        // Deletion last, so the lists above saw the policies.
        Ok(await admin.CallAsync("DeleteRolePolicy", ("RoleName", "VaultCopyRole"), ("PolicyName", "Extra")));
        Ok(await admin.CallAsync("DeleteUserPolicy", ("UserName", "nobody"), ("PolicyName", "Extra")));
        Fail(await admin.CallAsync("DeleteRolePolicy", ("RoleName", "AWSServiceRoleForSupport"), ("PolicyName", "AWSSupportServiceRolePolicy")), "UnmodifiableEntity");
        Fail(await admin.CallAsync("DeleteUserPolicy", ("UserName", "nobody"), ("PolicyName", "Extra")), "NoSuchEntity");
    }

    private static SignedQueryClient Client(ConformanceContext context, string accessKeyId, string region = "us-east-1") =>
        context.Query(new BasicAWSCredentials(accessKeyId, IamWorld.Secret(accessKeyId)), "iam", "2010-05-08", region);

    private static SignedQueryClient Client(ConformanceContext context, AWSCredentials credentials) =>
        context.Query(credentials, "iam", "2010-05-08", "us-east-1");

    private static async Task<AWSCredentials> SessionAsync(ConformanceContext context)
    {
        using var sts = new AmazonSecurityTokenServiceClient(
            new BasicAWSCredentials(AdminKey, IamWorld.Secret(AdminKey)),
            new AmazonSecurityTokenServiceConfig { ServiceURL = context.Server.BaseUri.ToString(), AuthenticationRegion = "us-east-1" });
        var c = (await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = VaultRoleArn, RoleSessionName = "conformance" })).Credentials;
        return new SessionAWSCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken);
    }

    private static System.Xml.Linq.XElement Ok(QueryResult result)
    {
        Assert.False(result.IsError, $"{result.Action} failed: {result.Status} {result.ErrorCode} {result.ErrorMessage}");
        return result.Root.Child(result.Action + "Result") ?? result.Root;
    }

    private static void Fail(QueryResult result, string code) =>
        Assert.True(result.ErrorCode == code, $"{result.Action}: expected {code}, got {result.Status} {result.ErrorCode} {result.ErrorMessage}");

    private static string Large(int size) =>
        """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::""" + new string('b', size) + "\"}]}";
}
