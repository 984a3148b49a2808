using System.Text.RegularExpressions;

namespace VaultCopy.Core.Errors;

/// <summary>Error texts quote what was given and what AWS answered; a 20 KB input must not come back 20 KB long.</summary>
public static partial class ErrorText
{
    private const int Kept = 60;

    /// <summary>
    /// Every quoted value and every run without a space of more than 120 characters, cut to its start and its
    /// length (AWS's validation messages quote the value they refused: "Value '…' at 'externalId' …").
    /// </summary>
    public static string Shorten(string text)
    {
        string quoted = LongValue().Replace(text ?? string.Empty, value => $"Value '{value.Groups[1].Value[..Kept]}…({value.Groups[1].Value.Length} characters)' at '");
        return LongRun().Replace(quoted, run => $"{run.Value[..Kept]}…({run.Value.Length} characters)");
    }

    [GeneratedRegex(@"Value '(.{121,}?)' at '", RegexOptions.Singleline)]
    private static partial Regex LongValue();

    [GeneratedRegex(@"\S{121,}")]
    private static partial Regex LongRun();
}
