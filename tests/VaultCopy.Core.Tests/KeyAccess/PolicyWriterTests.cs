using VaultCopy.Core.Errors;
using VaultCopy.Core.KeyAccess;
using VaultCopy.Core.Policies;

namespace VaultCopy.Core.Tests.KeyAccess;

/// <summary>The read-merge-write-verify loop on a store that another writer keeps changing.</summary>
public sealed class PolicyWriterTests
{
    private const string Policy = """{"Version":"2012-10-17","Statement":[{"Sid":"Owner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}]}""";
    private static readonly KeyAccessGrant s_grant = new("222222222222") { KeyOwnerAccountId = "111111111111" };

    [Fact]
    public async Task Writes_once_and_reads_back_when_nobody_interferes()
    {
        var store = new FakeStore(Policy);

        PolicyWriteOutcome outcome = await PolicyWriter.WriteAsync(store, p => KeyPolicyEditor.Grant(p, s_grant), Policy, "key policy", default);

        Assert.True(outcome.Written);
        Assert.Equal(1, outcome.Attempts);
        Assert.False(outcome.ChangedSincePlan || outcome.ChangedByOthers);
        Assert.Equal(1, store.Writes);
        Assert.Equal(store.Document, outcome.After);
        Assert.Equal(Policy, outcome.Before);
    }

    [Fact]
    public async Task Gives_up_with_a_clear_error_when_every_write_is_replaced()
    {
        var store = new FakeStore(Policy) { AfterWrite = s => s.Document = Policy };

        var error = await Assert.ThrowsAsync<VaultCopyException>(
            () => PolicyWriter.WriteAsync(store, p => KeyPolicyEditor.Grant(p, s_grant), Policy, "key policy of k", default));

        Assert.Equal("ConcurrentPolicyEdit", error.ErrorId);
        Assert.Equal(PolicyWriter.MaxAttempts, store.Writes);
        Assert.Contains("key policy of k", error.Message, StringComparison.Ordinal);
        Assert.Contains("CloudTrail", error.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Someone_who_keeps_our_statements_while_writing_after_us_is_not_a_conflict()
    {
        var store = new FakeStore(Policy) { AfterWrite = s => s.Document = s.Document.Replace("\"Owner\"", "\"OwnerRenamed\"", StringComparison.Ordinal) };

        PolicyWriteOutcome outcome = await PolicyWriter.WriteAsync(store, p => KeyPolicyEditor.Grant(p, s_grant), Policy, "key policy", default);

        Assert.True(outcome.ChangedByOthers);
        Assert.Equal(1, store.Writes);
        Assert.Contains("OwnerRenamed", outcome.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_is_written_when_the_current_document_already_holds_the_change()
    {
        string granted = KeyPolicyEditor.Grant(Policy, s_grant).After;
        var store = new FakeStore(granted);

        PolicyWriteOutcome outcome = await PolicyWriter.WriteAsync(store, p => KeyPolicyEditor.Grant(p, s_grant), Policy, "key policy", default);

        Assert.False(outcome.Written);
        Assert.True(outcome.ChangedSincePlan);
        Assert.Equal(0, store.Writes);
    }

    private sealed class FakeStore(string document) : IPolicyStore
    {
        public string Document { get; set; } = document;

        public int Writes { get; private set; }

        public Action<FakeStore>? AfterWrite { get; init; }

        public Task<string> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(Document);

        public Task WriteAsync(string document, CancellationToken cancellationToken)
        {
            Writes++;
            Document = document;
            AfterWrite?.Invoke(this);
            return Task.CompletedTask;
        }
    }
}
