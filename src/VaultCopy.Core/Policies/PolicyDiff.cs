using System.Globalization;
using System.Text;

namespace VaultCopy.Core.Policies;

/// <summary>
/// A line diff of two policy documents for a person to review before a change is written. Both sides are shown as
/// indented JSON so a whitespace-only difference (AWS returns the policy as stored, editors send it compact) never
/// shows up as a change.
/// </summary>
public static class PolicyDiff
{
    private const int ContextLines = 3;

    // Past this many cells the middle is shown as removed-then-added: still correct, just not minimal.
    private const long MaxLcsCells = 1_000_000;

    /// <summary>
    /// Unified-diff text (<c>--- before</c>, <c>+++ after</c>, <c>@@</c> hunks with three lines of context, lines
    /// prefixed with space, <c>-</c> or <c>+</c>), or the empty string when the documents read the same. An empty
    /// side stands for "no policy"; text that is not a JSON object is compared line by line as it is.
    /// </summary>
    public static string Render(string before, string after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (string.Equals(before, after, StringComparison.Ordinal))
        {
            return string.Empty;
        }

        string[] a = Lines(before);
        string[] b = Lines(after);
        List<(char Op, string Line)> script = EditScript(a, b);
        if (script.TrueForAll(e => e.Op == ' '))
        {
            return string.Empty;
        }

        var output = new StringBuilder();
        output.Append("--- before\n+++ after");
        foreach ((int start, int end) in Hunks(script))
        {
            int oldStart = 1, newStart = 1;
            for (int i = 0; i < start; i++)
            {
                oldStart += script[i].Op != '+' ? 1 : 0;
                newStart += script[i].Op != '-' ? 1 : 0;
            }

            int oldCount = 0, newCount = 0;
            for (int i = start; i < end; i++)
            {
                oldCount += script[i].Op != '+' ? 1 : 0;
                newCount += script[i].Op != '-' ? 1 : 0;
            }

            // Unified-diff convention: an empty range names the line before it.
            output.Append(CultureInfo.InvariantCulture, $"\n@@ -{(oldCount == 0 ? oldStart - 1 : oldStart)},{oldCount} +{(newCount == 0 ? newStart - 1 : newStart)},{newCount} @@");
            for (int i = start; i < end; i++)
            {
                output.Append('\n').Append(script[i].Op).Append(script[i].Line);
            }
        }

        return output.ToString();
    }

    private static string[] Lines(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        try
        {
            return KeyPolicyDocument.Parse(text).ToIndentedJson().Split('\n');
        }
        catch (PolicyFormatException)
        {
            try
            {
                return PolicyJson.ToIndented(PolicyJson.ParseObject(text)).Split('\n');
            }
            catch (PolicyFormatException)
            {
                return text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
            }
        }
    }

    private static List<(char Op, string Line)> EditScript(string[] a, string[] b)
    {
        int prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix])
        {
            prefix++;
        }

        int suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[^(suffix + 1)] == b[^(suffix + 1)])
        {
            suffix++;
        }

        var script = new List<(char, string)>(a.Length + b.Length);
        for (int i = 0; i < prefix; i++)
        {
            script.Add((' ', a[i]));
        }

        ReadOnlySpan<string> oldMiddle = a.AsSpan(prefix, a.Length - prefix - suffix);
        ReadOnlySpan<string> newMiddle = b.AsSpan(prefix, b.Length - prefix - suffix);
        if ((long)(oldMiddle.Length + 1) * (newMiddle.Length + 1) <= MaxLcsCells)
        {
            AppendLcsScript(oldMiddle, newMiddle, script);
        }
        else
        {
            foreach (string line in oldMiddle)
            {
                script.Add(('-', line));
            }

            foreach (string line in newMiddle)
            {
                script.Add(('+', line));
            }
        }

        for (int i = a.Length - suffix; i < a.Length; i++)
        {
            script.Add((' ', a[i]));
        }

        return script;
    }

    private static void AppendLcsScript(ReadOnlySpan<string> a, ReadOnlySpan<string> b, List<(char, string)> script)
    {
        int width = b.Length + 1;
        // lengths[i * width + j]: longest common subsequence of a[i..] and b[j..].
        int[] lengths = new int[(a.Length + 1) * width];
        for (int i = a.Length - 1; i >= 0; i--)
        {
            for (int j = b.Length - 1; j >= 0; j--)
            {
                lengths[(i * width) + j] = a[i] == b[j]
                    ? lengths[((i + 1) * width) + j + 1] + 1
                    : Math.Max(lengths[((i + 1) * width) + j], lengths[(i * width) + j + 1]);
            }
        }

        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                script.Add((' ', a[x++]));
                y++;
            }
            else if (y == b.Length || (x < a.Length && lengths[((x + 1) * width) + y] >= lengths[(x * width) + y + 1]))
            {
                // Removals before additions on ties, so the output does not depend on anything but the inputs.
                script.Add(('-', a[x++]));
            }
            else
            {
                script.Add(('+', b[y++]));
            }
        }
    }

    private static IEnumerable<(int Start, int End)> Hunks(List<(char Op, string Line)> script)
    {
        int i = 0;
        while (i < script.Count)
        {
            if (script[i].Op == ' ')
            {
                i++;
                continue;
            }

            int start = Math.Max(0, i - ContextLines);
            int end = i;
            // Extend while the next change is close enough that the context would overlap.
            while (end < script.Count)
            {
                if (script[end].Op != ' ')
                {
                    end++;
                    continue;
                }

                int next = end;
                while (next < script.Count && script[next].Op == ' ')
                {
                    next++;
                }

                if (next < script.Count && next - end <= 2 * ContextLines)
                {
                    end = next;
                }
                else
                {
                    end = Math.Min(script.Count, end + ContextLines);
                    break;
                }
            }

            yield return (start, end);
            i = end;
        }
    }
}
