using Amazon.SecurityToken.Model;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Tests.Emulator;
using VaultCopy.Emulator.Hosting;

namespace VaultCopy.Core.Tests.Aws;

/// <summary>
/// A role connection whose session AWS calls expired (the clock of AWS ahead of ours, a session ended early) assumes the
/// role again once and goes on; static session keys cannot be renewed and say so, and a role connection is never told
/// to use -RoleArn.
/// </summary>
public sealed class RoleSessionRecoveryTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => emulator.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(VaultResourceType.EbsSnapshot)] // EC2 (SDK client): RequestExpired
    [InlineData(VaultResourceType.RdsSnapshot)] // RDS (query client): ExpiredToken
    public async Task A_role_session_expired_in_AWS_time_is_assumed_again_and_the_call_goes_on(VaultResourceType type)
    {
        VaultAccount vault = await ConnectVaultAsync(await ConnectOriginAsync());
        using var inventory = new ResourceInventory(vault);
        await ListAsync(inventory, type);
        int assumed = emulator.Server.Calls.Count("sts:AssumeRole");

        // AWS's clock is two hours past ours: the session VaultCopy believes valid is expired there.
        await emulator.AdvanceClockAsync(TimeSpan.FromHours(2));
        await ListAsync(inventory, type);

        Assert.Equal(assumed + 1, emulator.Server.Calls.Count("sts:AssumeRole"));
    }

    [Fact]
    public async Task An_ExpiredToken_answer_to_a_role_connection_renews_the_session_once()
    {
        VaultAccount vault = await ConnectVaultAsync(await ConnectOriginAsync());
        using var inventory = new ResourceInventory(vault);
        int assumed = emulator.Server.Calls.Count("sts:AssumeRole");
        emulator.Server.Settings.AddFault(new FaultRule
        {
            Service = "ec2", Action = "*", AccountId = Demo.VaultAccount, Code = "ExpiredToken",
            Message = "The security token included in the request is expired", HttpStatus = 400, Count = 1,
        });

        await ListAsync(inventory, VaultResourceType.EbsSnapshot);

        Assert.Equal(assumed + 1, emulator.Server.Calls.Count("sts:AssumeRole"));
    }

    [Fact]
    public async Task A_role_session_AWS_still_calls_expired_after_renewal_fails_without_advising_RoleArn()
    {
        VaultAccount vault = await ConnectVaultAsync(await ConnectOriginAsync());
        using var inventory = new ResourceInventory(vault);
        int assumed = emulator.Server.Calls.Count("sts:AssumeRole");
        emulator.Server.Settings.AddFault(new FaultRule
        {
            Service = "rds", Action = "*", AccountId = Demo.VaultAccount, Code = "ExpiredToken",
            Message = "The security token included in the request is expired", HttpStatus = 403, Count = 0,
        });

        var error = await Assert.ThrowsAsync<VaultCopyException>(() => ListAsync(inventory, VaultResourceType.RdsSnapshot));

        Assert.Equal(VaultCopyErrorKind.AuthenticationFailed, error.Kind);
        Assert.Equal("RoleSessionExpired", error.ErrorId);
        Assert.DoesNotContain("-RoleArn", error.Message + error.Remediation, StringComparison.Ordinal);
        Assert.Contains("clock", error.Remediation, StringComparison.Ordinal);
        Assert.Equal(assumed + 1, emulator.Server.Calls.Count("sts:AssumeRole"));
    }

    [Fact]
    public async Task Static_session_keys_that_expired_end_with_CredentialsExpired_and_the_RoleArn_advice()
    {
        using var sts = emulator.Sts(Demo.OriginAdmin);
        Credentials issued = (await sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = Demo.OriginRoleArn, RoleSessionName = "static", DurationSeconds = 900,
        })).Credentials;
        VaultAccount origin = await AccountConnector.ConnectAsync(new ConnectionRequest
        {
            AccessKey = issued.AccessKeyId, SecretKey = issued.SecretAccessKey, SessionToken = issued.SessionToken,
            Region = Demo.Region, EndpointUrl = emulator.BaseUri.ToString(),
        });
        using var inventory = new ResourceInventory(origin);
        int assumed = emulator.Server.Calls.Count("sts:AssumeRole");
        await emulator.AdvanceClockAsync(TimeSpan.FromMinutes(20));

        var error = await Assert.ThrowsAsync<VaultCopyException>(() => ListAsync(inventory, VaultResourceType.EbsSnapshot));

        Assert.Equal("CredentialsExpired", error.ErrorId);
        Assert.Contains("-RoleArn", error.Remediation, StringComparison.Ordinal);
        Assert.Equal(assumed, emulator.Server.Calls.Count("sts:AssumeRole"));
    }

    private static async Task ListAsync(ResourceInventory inventory, VaultResourceType type)
    {
        await foreach (VaultResource _ in inventory.ListAsync(new ResourceQuery { Types = [type], ReadShares = false }))
        {
        }
    }

    private Task<VaultAccount> ConnectOriginAsync() => AccountConnector.ConnectAsync(new ConnectionRequest
    {
        AccessKey = Demo.OriginAdminKey, SecretKey = Demo.OriginAdminSecret, Region = Demo.Region, EndpointUrl = emulator.BaseUri.ToString(),
    });

    private static Task<VaultAccount> ConnectVaultAsync(VaultAccount origin) => AccountConnector.ConnectAsync(new ConnectionRequest
    {
        SourceAccount = origin, RoleArn = Demo.VaultRoleArn, ExternalId = Demo.ExternalId,
    });
}
