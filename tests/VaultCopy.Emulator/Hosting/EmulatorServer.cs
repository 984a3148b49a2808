using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VaultCopy.Emulator.Control;
using VaultCopy.Emulator.Fixtures;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Hosting;

/// <summary>
/// The emulator on Kestrel, bound to 127.0.0.1 only. Used by the console program and in-process by tests.
/// </summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private const string EmptyWorld = """{"accounts":[]}""";

    private readonly WebApplication _app;
    private string _fixtureJson;

    private EmulatorServer(WebApplication app, string fixtureJson)
    {
        _app = app;
        _fixtureJson = fixtureJson;
    }

    public Uri BaseUri { get; private set; } = null!;

    public World World { get; } = new();

    public EmulatorClock Clock { get; } = new();

    public EmulatorSettings Settings { get; } = new();

    public CallLog Calls { get; } = new();

    /// <summary>What each operation read and wrote, for the model-conformance test; off until enabled.</summary>
    public WireRecorder Recorder { get; } = new();

    /// <exception cref="FixtureException">The fixture is invalid.</exception>
    public static async Task<EmulatorServer> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        string fixture = options.FixtureJson
            ?? (options.FixturePath is not null ? await File.ReadAllTextAsync(options.FixturePath, cancellationToken).ConfigureAwait(false) : null)
            ?? (options.LoadDemoWorld ? FixtureLoader.DemoWorldJson() : EmptyWorld);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.AddServerHeader = false;
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();

        var server = new EmulatorServer(app, fixture);
        FixtureLoader.Load(server.World, fixture, server.Clock.UtcNow);
        var pipeline = new AwsPipeline(server.World, server.Clock, server.Settings, server.Calls, server.Recorder);
        var control = new ControlApi(server);
        app.Run(context => ControlApi.Owns(context.Request.Path) ? control.HandleAsync(context) : pipeline.HandleAsync(context));

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Back to the loaded fixture: world, sessions, clock, settings and call log.</summary>
    public void Reset()
    {
        Clock.Reset();
        FixtureLoader.Load(World, _fixtureJson, Clock.UtcNow);
        Settings.Reset();
        Calls.Reset();
    }

    /// <summary>Replaces the world with <paramref name="json"/>, which later resets return to.</summary>
    /// <exception cref="FixtureException">The fixture is invalid; nothing changed.</exception>
    public void LoadFixture(string json)
    {
        FixtureLoader.Load(World, json, Clock.UtcNow);
        _fixtureJson = json;
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
