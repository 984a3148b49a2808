using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaultCopy.Core.Orchestration;

/// <summary>
/// Writes a run's outcomes and summary as JSON (one document) and CSV (one flat row per backup, plain values only),
/// side by side: "report.json" and "report.csv" for -ReportPath report, report.json or report.csv.
/// </summary>
public static class VaultCopyReport
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = null,
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly string[] s_columns =
        ["Outcome", "OriginAccountId", "SourceRegion", "Type", "Id", "Arn", "SizeGiB", "Planned", "VaultCopies", "ConvertedId", "ShareWithdrawn", "ErrorId", "Cause", "Remediation"];

    /// <summary>The two files a report path names (JSON first).</summary>
    public static (string Json, string Csv) PathsFor(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        string extension = Path.GetExtension(full);
        string stem = extension is ".json" or ".csv" ? full[..^extension.Length] : full;
        return (stem + ".json", stem + ".csv");
    }

    /// <summary>Writes both files and returns their paths (JSON first).</summary>
    public static (string Json, string Csv) Write(string path, VaultCopyRunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        (string json, string csv) = PathsFor(path);
        Directory.CreateDirectory(Path.GetDirectoryName(json)!);
        File.WriteAllText(json, JsonSerializer.Serialize(new { result.Summary, result.Outcomes }, s_json), new UTF8Encoding(false));
        File.WriteAllText(csv, ToCsv(result.Outcomes), new UTF8Encoding(false));
        return (json, csv);
    }

    public static string ToCsv(IEnumerable<VaultCopyOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var text = new StringBuilder();
        text.AppendJoin(',', s_columns).Append("\r\n");
        foreach (VaultCopyOutcome o in outcomes)
        {
            string?[] cells =
            [
                o.Outcome.ToString(), o.OriginAccountId, o.SourceRegion, o.Type.ToString(), o.Id, o.Arn,
                o.SizeGiB?.ToString(CultureInfo.InvariantCulture), o.Planned.ToString(), o.VaultCopies, o.ConvertedId,
                o.ShareWithdrawn ? "true" : "false", o.ErrorId, o.Cause, o.Remediation,
            ];
            text.AppendJoin(',', cells.Select(Quote)).Append("\r\n");
        }

        return text.ToString();
    }

    private static string Quote(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        // A cell a spreadsheet would run as a formula is kept as text.
        string safe = value[0] is '=' or '+' or '-' or '@' ? "'" + value : value;
        return safe.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{safe.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : safe;
    }
}
