using System.Xml.Linq;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Aws.Query;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Copies.Backends;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Tests.Copies;

/// <summary>What the RDS backend puts on the wire: the emulator accepts a PreSignedUrl without reading it, so it is checked here.</summary>
public class RdsCopyRequestTests
{
    private sealed class RecordingClient : IQueryProtocolClient
    {
        public List<(string Action, List<KeyValuePair<string, string>> Parameters)> Calls { get; } = [];

        public List<(string Action, string SourceRegion)> Presigned { get; } = [];

        public Task<XElement> CallAsync(string action, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
        {
            var list = parameters.ToList();
            Calls.Add((action, list));
            string target = list.First(p => p.Key.StartsWith("Target", StringComparison.Ordinal)).Value;
            return Task.FromResult(new XElement($"{action}Result", new XElement("DBSnapshot",
                new XElement("DBSnapshotIdentifier", target),
                new XElement("DBSnapshotArn", $"arn:aws:rds:eu-central-1:222222222222:snapshot:{target}"),
                new XElement("Status", "pending"),
                new XElement("PercentProgress", "0"),
                new XElement("Encrypted", "true"),
                new XElement("KmsKeyId", "arn:aws:kms:eu-central-1:222222222222:key/k2"),
                new XElement("AllocatedStorage", "100"))));
        }

        public Task<string> PresignAsync(string action, IEnumerable<KeyValuePair<string, string>> parameters, string sourceRegion, CancellationToken cancellationToken)
        {
            Presigned.Add((action, sourceRegion));
            return Task.FromResult($"https://rds.{sourceRegion}.amazonaws.com/?Action={action}&X-Amz-Signature=abc");
        }
    }

    private static VaultCopyJob Job(string region) => VaultCopyJob.Create("vault", new VaultResource
    {
        Type = VaultResourceType.RdsSnapshot,
        Id = "orders-manual",
        Arn = $"arn:aws:rds:{region}:111111111111:snapshot:orders-manual",
        AccountId = "111111111111",
        Region = region,
        State = "available",
        SizeGiB = 100,
        Encrypted = true,
        KmsKeyArn = $"arn:aws:kms:{region}:111111111111:key/k1",
    }, "222222222222", "eu-central-1", "arn:aws:kms:eu-central-1:222222222222:key/k2");

    [Fact]
    public async Task A_cross_account_cross_region_copy_names_the_source_by_arn_and_carries_a_presigned_url()
    {
        var client = new RecordingClient();
        var backend = new RdsCopyBackend(new RdsGateway(client), cluster: false, "222222222222", "eu-central-1");
        VaultCopyJob job = Job("eu-west-1");

        await backend.StartAsync(job, CancellationToken.None);

        var (action, parameters) = client.Calls.Single();
        var form = parameters.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("CopyDBSnapshot", action);
        Assert.Equal("arn:aws:rds:eu-west-1:111111111111:snapshot:orders-manual", form["SourceDBSnapshotIdentifier"]);
        Assert.Equal("vault-111111111111-eu-west-1-orders-manual", form["TargetDBSnapshotIdentifier"]);
        Assert.Equal("arn:aws:kms:eu-central-1:222222222222:key/k2", form["KmsKeyId"]);
        Assert.StartsWith("https://rds.eu-west-1.amazonaws.com/", form["PreSignedUrl"], StringComparison.Ordinal);
        Assert.Equal([("CopyDBSnapshot", "eu-west-1")], client.Presigned);
        string tagNumber = parameters.Single(p => p.Value == CopyNaming.SourceArnTag).Key.Split('.')[2];
        Assert.Equal(job.SourceArn, form[$"Tags.Tag.{tagNumber}.Value"]);
        Assert.Equal(CopyJobState.InProgress, job.State);
        Assert.Equal("arn:aws:rds:eu-central-1:222222222222:snapshot:vault-111111111111-eu-west-1-orders-manual", job.TargetArn);
    }

    [Fact]
    public async Task A_copy_inside_one_region_sends_no_presigned_url()
    {
        var client = new RecordingClient();
        var backend = new RdsCopyBackend(new RdsGateway(client), cluster: false, "222222222222", "eu-central-1");

        await backend.StartAsync(Job("eu-central-1"), CancellationToken.None);

        var form = client.Calls.Single().Parameters.ToDictionary(p => p.Key, p => p.Value);
        Assert.False(form.ContainsKey("PreSignedUrl"));
        Assert.Empty(client.Presigned);
        // Another account's snapshot is still named by its ARN.
        Assert.StartsWith("arn:aws:rds:", form["SourceDBSnapshotIdentifier"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unencrypted_cluster_snapshot_is_never_sent_a_KmsKeyId_but_refused_with_the_source_rules_words()
    {
        var client = new RecordingClient();
        var backend = new RdsCopyBackend(new RdsGateway(client), cluster: true, "111111111111", "eu-west-1");
        var plain = new VaultResource
        {
            Type = VaultResourceType.AuroraClusterSnapshot,
            Id = "ledger-plain",
            Arn = "arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:ledger-plain",
            AccountId = "111111111111",
            Region = "eu-west-1",
            State = "available",
            Encrypted = false,
        };
        VaultCopyJob job = VaultCopyJob.Create("convert", plain, "111111111111", "eu-west-1", "arn:aws:kms:eu-west-1:111111111111:key/k1");

        var refused = await Assert.ThrowsAsync<VaultCopy.Core.Errors.VaultCopyException>(() => backend.StartAsync(job, CancellationToken.None));

        Assert.Empty(client.Calls);
        Assert.Equal("UnencryptedAuroraSnapshot", refused.ErrorId);
        Assert.Equal(VaultCopy.Core.Rules.SourceRules.UnencryptedAuroraSnapshot(plain).Message, refused.Message);
        Assert.StartsWith("Restore it into a cluster encrypted under a customer managed key", refused.Remediation, StringComparison.Ordinal);
    }

    private sealed class FailingClient(string code, System.Net.HttpStatusCode status) : IQueryProtocolClient
    {
        public Task<XElement> CallAsync(string action, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken) =>
            throw new QueryServiceException("RDS", code, "The security token included in the request is expired", status, "Sender", "req-1");

        public Task<string> PresignAsync(string action, IEnumerable<KeyValuePair<string, string>> parameters, string sourceRegion, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }

    // The soak met it: an expired session while counting the copies in flight ended Invoke-VaultCopy with the
    // exception's type name as its error id, where the EBS backend says CredentialsExpired.
    [Theory]
    [InlineData("ExpiredToken", 403, "CredentialsExpired")]
    [InlineData("AccessDenied", 403, "AccessDenied")]
    public async Task Counting_the_copies_in_flight_words_an_AWS_error_like_every_other_call(string code, int status, string errorId)
    {
        var backend = new RdsCopyBackend(new RdsGateway(new FailingClient(code, (System.Net.HttpStatusCode)status)), cluster: false, "222222222222", "eu-central-1");

        VaultCopyException error = await Assert.ThrowsAsync<VaultCopyException>(() => backend.CountInFlightAsync(CancellationToken.None));

        Assert.Equal(errorId, error.ErrorId);
        Assert.Contains("222222222222", error.Message, StringComparison.Ordinal);
    }
}
