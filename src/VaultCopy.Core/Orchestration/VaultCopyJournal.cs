using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaultCopy.Core.Orchestration;

/// <summary>One line of the journal: what happened to which backup, when.</summary>
public sealed class JournalEntry
{
    public DateTime Time { get; init; }

    /// <summary>run-start, planned, key-access, converted, shared, copy-started, verified, withdrawn, outcome, run-end.</summary>
    public required string Event { get; init; }

    /// <summary>The backup's ARN (absent for run events).</summary>
    public string? Arn { get; init; }

    public string? Region { get; init; }

    /// <summary>The copy, conversion or document concerned.</summary>
    public string? Target { get; init; }

    public string? Detail { get; init; }
}

/// <summary>
/// The run's journal: one JSON object per line, appended and flushed step by step, so a killed process leaves every
/// step it finished on disk. The next run of the same command reads it: copies a killed run had started are looked
/// up by their lineage, and shares it made are withdrawn once their backup is vaulted.
/// </summary>
public sealed class VaultCopyJournal : IDisposable
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    private readonly object _sync = new();
    private readonly StreamWriter _writer;

    private VaultCopyJournal(string path, IReadOnlyList<JournalEntry> earlier)
    {
        Path = path;
        Earlier = earlier;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
    }

    public string Path { get; }

    /// <summary>What earlier runs wrote (unreadable lines — a line cut by a kill — are skipped).</summary>
    public IReadOnlyList<JournalEntry> Earlier { get; }

    /// <summary>The default journal of a command: the user's local data folder, one file per origins, vault and Regions.</summary>
    public static string DefaultPath(VaultCopyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string key = request.JournalKey;
        string name = key.Length <= 100 ? key : $"{key[..80]}-{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16].ToLowerInvariant()}";
        string root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
        if (string.IsNullOrEmpty(root))
        {
            root = System.IO.Path.GetTempPath();
        }

        return System.IO.Path.Combine(root, "VaultCopy", "journals", $"{name}.jsonl");
    }

    public static VaultCopyJournal Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new VaultCopyJournal(path, Read(path));
    }

    public static IReadOnlyList<JournalEntry> Read(string path)
    {
        var entries = new List<JournalEntry>();
        if (!File.Exists(path))
        {
            return entries;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is string line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                if (JsonSerializer.Deserialize<JournalEntry>(line, s_json) is JournalEntry entry)
                {
                    entries.Add(entry);
                }
            }
            catch (JsonException)
            {
                // A line a kill cut short.
            }
        }

        return entries;
    }

    public void Write(string @event, string? arn = null, string? region = null, string? target = null, string? detail = null)
    {
        string line = JsonSerializer.Serialize(new JournalEntry { Time = DateTime.UtcNow, Event = @event, Arn = arn, Region = region, Target = target, Detail = detail }, s_json);
        lock (_sync)
        {
            _writer.WriteLine(line);
        }
    }

    public void Dispose()
    {
        lock (_sync)
        {
            _writer.Dispose();
        }
    }
}
