using VaultCopy.Emulator.Policy;

namespace VaultCopy.Core.Tests.Emulator.Policy;

public class ConditionTests
{
    private const string Alice = "user:111122223333:alice";

    /// <summary>(Condition element, request context, whether the condition holds.) Caller: IAM user alice.</summary>
    public static TheoryData<string, string, bool> Cases => new()
    {
        // String operators; key names are case-insensitive, values case-sensitive.
        { """{"StringEquals":{"kms:ViaService":"ec2.us-east-1.amazonaws.com"}}""", "kms:ViaService=ec2.us-east-1.amazonaws.com", true },
        { """{"StringEquals":{"kms:ViaService":"ec2.us-east-1.amazonaws.com"}}""", "kms:ViaService=EC2.us-east-1.amazonaws.com", false },
        { """{"StringEquals":{"KMS:VIASERVICE":"ec2.us-east-1.amazonaws.com"}}""", "kms:viaService=ec2.us-east-1.amazonaws.com", true },
        { """{"StringEquals":{"kms:ViaService":["rds.us-east-1.amazonaws.com","ec2.us-east-1.amazonaws.com"]}}""", "kms:ViaService=ec2.us-east-1.amazonaws.com", true },
        { """{"StringEquals":{"kms:ViaService":"ec2.us-east-1.amazonaws.com"}}""", "", false },
        { """{"StringNotEquals":{"kms:ViaService":"ec2.us-east-1.amazonaws.com"}}""", "", true },
        { """{"StringNotEquals":{"kms:ViaService":["ec2.us-east-1.amazonaws.com","rds.us-east-1.amazonaws.com"]}}""", "kms:ViaService=rds.us-east-1.amazonaws.com", false },
        { """{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"Backup"}}""", "aws:PrincipalTag/team=BACKUP", true },
        { """{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"Backup"}}""", "aws:PrincipalTag/team=backup", false },
        { """{"StringLike":{"kms:ViaService":"ec2.*.amazonaws.com"}}""", "kms:ViaService=ec2.eu-west-1.amazonaws.com", true },
        { """{"StringLike":{"sts:RoleSessionName":"vault-??"}}""", "sts:RoleSessionName=vault-7", false },
        { """{"StringNotLike":{"kms:ViaService":"ec2.*"}}""", "", true },
        { """{"StringEqualsIfExists":{"kms:ViaService":"ec2.us-east-1.amazonaws.com"}}""", "", true },
        { """{"StringEqualsIfExists":{"kms:ViaService":"ec2.us-east-1.amazonaws.com"}}""", "kms:ViaService=rds.us-east-1.amazonaws.com", false },
        // Bool: JSON boolean and string forms are the same; an absent key never satisfies Bool.
        { """{"Bool":{"kms:GrantIsForAWSResource":true}}""", "kms:GrantIsForAWSResource=true", true },
        { """{"Bool":{"kms:GrantIsForAWSResource":"true"}}""", "kms:GrantIsForAWSResource=true", true },
        { """{"Bool":{"kms:GrantIsForAWSResource":"true"}}""", "", false },
        { """{"Bool":{"aws:SecureTransport":"false"}}""", "aws:SecureTransport=false", true },
        { """{"Bool":{"kms:GrantIsForAWSResource":"true"}}""", "kms:GrantIsForAWSResource=false", false },
        // Null checks existence.
        { """{"Null":{"sts:ExternalId":"true"}}""", "", true },
        { """{"Null":{"sts:ExternalId":"true"}}""", "sts:ExternalId=x", false },
        { """{"Null":{"sts:ExternalId":false}}""", "sts:ExternalId=x", true },
        // Numeric: JSON numbers and strings.
        { """{"NumericLessThan":{"aws:MultiFactorAuthAge":3600}}""", "aws:MultiFactorAuthAge=120", true },
        { """{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}""", "aws:MultiFactorAuthAge=7200", false },
        { """{"NumericGreaterThanEquals":{"kms:GrantCount":"2.5"}}""", "kms:GrantCount=2.5", true },
        { """{"NumericNotEquals":{"aws:MultiFactorAuthAge":"0"}}""", "", true },
        // Dates: ISO 8601 and epoch seconds.
        { """{"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}""", "aws:CurrentTime=2024-06-01T12:00:00Z", true },
        { """{"DateLessThan":{"aws:CurrentTime":"1704067200"}}""", "aws:CurrentTime=2024-06-01T12:00:00Z", false },
        { """{"DateLessThanEquals":{"aws:TokenIssueTime":"2024-01-01"}}""", "", false },
        // ARN operators match component by component; a wildcard never crosses a colon.
        { """{"ArnLike":{"aws:SourceArn":"arn:aws:iam::111122223333:role/*"}}""", "aws:SourceArn=arn:aws:iam::111122223333:role/ops/Backup", true },
        { """{"ArnLike":{"aws:SourceArn":"arn:aws:*"}}""", "aws:SourceArn=arn:aws:iam::111122223333:role/Backup", false },
        { """{"ArnEquals":{"aws:SourceArn":"arn:aws:ec2:*:111122223333:snapshot/*"}}""", "aws:SourceArn=arn:aws:ec2:eu-west-1:111122223333:snapshot/snap-1", true },
        { """{"ArnNotLike":{"aws:SourceArn":"arn:aws:ec2:*:*:*"}}""", "", true },
        // Set qualifiers over multi-valued keys.
        { """{"ForAnyValue:StringEquals":{"aws:TagKeys":["Backup","Owner"]}}""", "aws:TagKeys=Name|Owner", true },
        { """{"ForAnyValue:StringEquals":{"aws:TagKeys":["Backup","Owner"]}}""", "aws:TagKeys=Name|Env", false },
        { """{"ForAnyValue:StringEquals":{"aws:TagKeys":["Backup"]}}""", "", false },
        { """{"ForAllValues:StringEquals":{"aws:TagKeys":["Backup","Owner","Name"]}}""", "aws:TagKeys=Name|Owner", true },
        { """{"ForAllValues:StringEquals":{"aws:TagKeys":["Backup","Owner"]}}""", "aws:TagKeys=Name|Owner", false },
        { """{"ForAllValues:StringEquals":{"aws:TagKeys":["Backup"]}}""", "", true },
        { """{"ForAllValues:StringNotLike":{"aws:TagKeys":["aws:*"]}}""", "aws:TagKeys=Name|Owner", true },
        { """{"ForAnyValue:StringLike":{"aws:TagKeys":["aws:*"]}}""", "aws:TagKeys=Name|aws:backup", true },
        // Several keys under one operator, and several operators, all AND together (the aws/ebs shape).
        { """{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"ec2.us-east-1.amazonaws.com"}}""", "kms:CallerAccount=111122223333;kms:ViaService=ec2.us-east-1.amazonaws.com", true },
        { """{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"ec2.us-east-1.amazonaws.com"}}""", "kms:CallerAccount=444455556666;kms:ViaService=ec2.us-east-1.amazonaws.com", false },
        { """{"StringEquals":{"kms:ViaService":"ec2.us-east-1.amazonaws.com"},"Bool":{"kms:GrantIsForAWSResource":"true"}}""", "kms:ViaService=ec2.us-east-1.amazonaws.com", false },
        // Keys the evaluator adds when absent.
        { """{"StringEquals":{"aws:PrincipalAccount":"111122223333","aws:PrincipalType":"User","aws:username":"alice"}}""", "", true },
        { """{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/*"}}""", "", true },
        // Policy variables in condition values, with defaults; unresolvable ones make the condition fail.
        { """{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}""", "s3:prefix=home/alice/2024", true },
        { """{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}""", "s3:prefix=home/bob/2024", false },
        { """{"StringEquals":{"s3:prefix":"${aws:PrincipalTag/team}"}}""", "s3:prefix=backup", false },
        { """{"StringNotEquals":{"s3:prefix":"${aws:PrincipalTag/team}"}}""", "s3:prefix=backup", false },
        { """{"StringEquals":{"s3:prefix":"${aws:PrincipalTag/team, 'backup'}"}}""", "s3:prefix=backup", true },
        { """{"StringEquals":{"s3:prefix":"a${*}b"}}""", "s3:prefix=a*b", true },
        { """{"StringLike":{"s3:prefix":"a${*}b"}}""", "s3:prefix=axb", false },
        // IP address conditions.
        { """{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.0.2.10"]}}""", "aws:SourceIp=10.20.30.40", true },
        { """{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}""", "aws:SourceIp=10.20.30.40", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Condition_operators_decide_as_aws_documents(string condition, string context, bool holds)
    {
        PolicyDocument policy = PolicyKit.AllowWithCondition(condition);
        var request = PolicyKit.Request(Alice, "s3:GetObject", PolicyKit.BucketObjectArn, context);

        PolicyDecision decision = PolicyEvaluator.Evaluate(policy, request, isResourcePolicy: false);

        Assert.Equal(holds ? PolicyDecision.Allow : PolicyDecision.ImplicitDeny, decision);
    }

    [Fact]
    public void Variables_are_literal_text_before_version_2012_10_17()
    {
        const string condition = """{"StringEquals":{"s3:prefix":"${aws:username}"}}""";
        var literal = PolicyKit.Request(Alice, "s3:GetObject", PolicyKit.BucketObjectArn, "s3:prefix=${aws:username}");
        var resolved = PolicyKit.Request(Alice, "s3:GetObject", PolicyKit.BucketObjectArn, "s3:prefix=alice");

        PolicyDocument legacy = PolicyKit.AllowWithCondition(condition, version: "2008-10-17");
        PolicyDocument current = PolicyKit.AllowWithCondition(condition);

        Assert.Equal(PolicyDecision.Allow, PolicyEvaluator.Evaluate(legacy, literal, isResourcePolicy: false));
        Assert.Equal(PolicyDecision.ImplicitDeny, PolicyEvaluator.Evaluate(legacy, resolved, isResourcePolicy: false));
        Assert.Equal(PolicyDecision.Allow, PolicyEvaluator.Evaluate(current, resolved, isResourcePolicy: false));
    }

    [Theory]
    [InlineData("ForAnyValue:StringNotEqualsIfExists", ConditionSetQualifier.ForAnyValue, "StringNotEquals", true, true)]
    [InlineData("ArnLike", ConditionSetQualifier.None, "ArnLike", false, false)]
    [InlineData("ForAllValues:NumericGreaterThan", ConditionSetQualifier.ForAllValues, "NumericGreaterThan", false, false)]
    public void Operator_names_split_into_qualifier_base_and_if_exists(
        string name, ConditionSetQualifier qualifier, string baseName, bool ifExists, bool negated)
    {
        Assert.True(ConditionOperator.TryParse(name, out ConditionOperator? op));
        Assert.Equal(qualifier, op.SetQualifier);
        Assert.Equal(baseName, op.BaseName);
        Assert.Equal(ifExists, op.IfExists);
        Assert.Equal(negated, op.IsNegated);
    }
}
