namespace VaultCopy.Emulator.Hosting;

public sealed class EmulatorOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>A fixture file to load (README "Fixture format").</summary>
    public string? FixturePath { get; init; }

    /// <summary>Fixture JSON to load; wins over <see cref="FixturePath"/>.</summary>
    public string? FixtureJson { get; init; }

    /// <summary>Load the demo world when no fixture is given (the default).</summary>
    public bool LoadDemoWorld { get; init; } = true;
}
