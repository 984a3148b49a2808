using System.Text.Json;
using VaultCopy.Emulator.Model;

namespace VaultCopy.Emulator.Fixtures;

/// <summary>A fixture that does not describe a valid world; the message lists every problem with its JSON path.</summary>
public sealed class FixtureException(string message) : Exception(message);

/// <summary>State shared while one fixture loads: the world being built and the problems found so far.</summary>
public sealed class FixtureContext
{
    private readonly List<string> _errors = [];

    public FixtureContext(World world, DateTimeOffset loadTime)
    {
        World = world;
        LoadTime = loadTime;
    }

    public World World { get; }

    /// <summary>World time at load; creation dates default to it.</summary>
    public DateTimeOffset LoadTime { get; }

    public IReadOnlyList<string> Errors => _errors;

    public void Error(string path, string message) => _errors.Add($"{path}: {message}");

    /// <summary>Reads a policy given as a JSON object or as a string holding JSON; checks it; returns the text to store.</summary>
    public string? ReadPolicy(JsonElement value, string path, PolicyKind kind)
    {
        string text;
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                text = value.GetRawText();
                break;
            case JsonValueKind.String:
                text = value.GetString()!;
                break;
            default:
                Error(path, "must be a policy document (a JSON object or a string holding one)");
                return null;
        }

        if (PolicyText.Check(text, kind) is { } problem)
        {
            Error(path, "malformed policy: " + problem);
            return null;
        }

        return text;
    }
}
