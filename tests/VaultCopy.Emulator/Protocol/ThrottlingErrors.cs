namespace VaultCopy.Emulator.Protocol;

/// <summary>
/// What each service answers when an account calls it faster than its request rate allows (README "Control API",
/// rate limits, lists the sources). The .NET SDK recognises all three codes as throttling and retries them.
/// </summary>
public static class ThrottlingErrors
{
    /// <summary>EC2: <c>RequestLimitExceeded</c>, HTTP 503 (errors-overview; observed "Request limit exceeded."
    /// with status 503 in jclouds/legacy-jclouds#1214, cloudfoundry/bosh-aws-cpi-release#61, and the current text
    /// naming account and action in CloudSnorkel/cdk-github-runners#946).</summary>
    public static AwsServiceException Ec2(string accountId, string action) => new(
        "RequestLimitExceeded",
        $"Request limit exceeded. Account {accountId} has been throttled on ec2:{action} because it exceeded its request rate limit.",
        503,
        senderFault: false);

    /// <summary>Query services (STS, IAM, RDS): <c>Throttling</c> 400 "Rate exceeded", Type Sender
    /// (awslabs/aurora-snapshot-tool#11, cloud-custodian/cloud-custodian#3340, aws/aws-cli#8604).</summary>
    public static AwsServiceException Query() => new("Throttling", "Rate exceeded", 400, senderFault: true);

    /// <summary>KMS: <c>ThrottlingException</c> 400 with KMS's own sentence (aws/aws-dynamodb-encryption-java#6,
    /// hyperlane-xyz/hyperlane-monorepo#2391; KMS developer guide "Throttling"). Other JSON services say "Rate exceeded".</summary>
    public static AwsServiceException Json(string signingName) => new(
        "ThrottlingException",
        signingName == "kms" ? "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls." : "Rate exceeded",
        400);

    public static AwsServiceException For(AwsServiceInfo service, string accountId, string action)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.Protocol switch
        {
            AwsProtocol.Ec2 => Ec2(accountId, action),
            AwsProtocol.Json => Json(service.SigningName),
            _ => Query(),
        };
    }
}
