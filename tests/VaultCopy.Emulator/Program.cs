using System.Globalization;
using System.Runtime.InteropServices;
using VaultCopy.Emulator.Fixtures;
using VaultCopy.Emulator.Hosting;

// The local multi-account AWS. Usage: VaultCopy.Emulator [--port N] [--fixture FILE] [--url-file FILE]
// The first stdout line is always "Emulator listening on http://127.0.0.1:PORT": scripts wait for it.

int port = 0;
string? fixturePath = null;
string? urlFile = null;
for (int i = 0; i < args.Length; i++)
{
    string? Next() => i + 1 < args.Length ? args[++i] : null;
    switch (args[i])
    {
        case "--port" when Next() is { } value && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p <= 65535:
            port = p;
            break;
        case "--fixture" when Next() is { } value:
            fixturePath = value;
            break;
        case "--url-file" when Next() is { } value:
            urlFile = value;
            break;
        case "-h" or "--help":
            Console.Out.WriteLine("VaultCopy.Emulator [--port N] [--fixture FILE] [--url-file FILE]");
            Console.Out.WriteLine("Serves STS/IAM/KMS/EC2/RDS-shaped APIs on 127.0.0.1; without --fixture, the demo world. See README.md.");
            return 0;
        default:
            Console.Error.WriteLine($"Unknown or incomplete argument '{args[i]}'. Usage: VaultCopy.Emulator [--port N] [--fixture FILE] [--url-file FILE]");
            return 64;
    }
}

EmulatorServer server;
try
{
    server = await EmulatorServer.StartAsync(new EmulatorOptions { Port = port, FixturePath = fixturePath });
}
catch (FixtureException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
catch (IOException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

string url = server.BaseUri.ToString().TrimEnd('/');
if (urlFile is not null)
{
    // Written whole (temp file, then rename) and before the announcement, so whoever reads either never sees
    // a partial URL or a missing file.
    string partial = urlFile + ".partial";
    await File.WriteAllTextAsync(partial, url);
    File.Move(partial, urlFile, overwrite: true);
}

Console.Out.WriteLine($"Emulator listening on {url}");
Console.Out.Flush();

var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.TrySetResult();
});

await stop.Task;
await server.DisposeAsync();
return 0;
