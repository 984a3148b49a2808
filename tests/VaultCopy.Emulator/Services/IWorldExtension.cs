using System.Text.Json;
using System.Text.Json.Nodes;
using VaultCopy.Emulator.Model;

namespace VaultCopy.Emulator.Services;

/// <summary>
/// How a plug-in adds Region-scoped fixture sections and state to the world without touching the core loader:
/// a fixture's <c>accounts[].regions.{region}.{Section}</c> is handed to <see cref="LoadRegion"/>, and
/// <c>GET /_emulator/state</c> shows what <see cref="DescribeRegion"/> returns. Register it in
/// <see cref="ServiceRegistry.Extensions"/>.
/// </summary>
public interface IWorldExtension
{
    /// <summary>The section name under a Region, e.g. <c>kms</c>, <c>ec2</c>, <c>rds</c>.</summary>
    string Section { get; }

    /// <summary>Loads one section; report problems with <see cref="Fixtures.FixtureContext.Error"/> (path-qualified).</summary>
    void LoadRegion(Fixtures.FixtureContext context, AccountRegion region, JsonElement section, string path);

    /// <summary>Called once every account is loaded, for cross-account checks (e.g. key policies naming accounts).</summary>
    void AfterLoad(Fixtures.FixtureContext context) { }

    /// <summary>The plug-in's state for one account-Region, without secrets; null when there is none.</summary>
    JsonNode? DescribeRegion(AccountRegion region);
}
