namespace VaultCopy.Emulator.Policy;

/// <summary>
/// Glob matching for actions, resources and string/ARN conditions. A compiled pattern is an array of UTF-16 code
/// units in which <see cref="Star"/> and <see cref="Question"/> stand for the wildcards; every other value is a
/// literal character. Keeping wildcards out of band lets the policy-variable escapes <c>${*}</c> and <c>${?}</c>
/// produce a literal asterisk or question mark.
/// </summary>
internal static class Wildcard
{
    public const int Star = -1;
    public const int Question = -2;

    /// <summary>A pattern where every <c>*</c> and <c>?</c> is a wildcard (no variables involved).</summary>
    public static int[] Compile(string pattern)
    {
        var compiled = new int[pattern.Length];
        for (int i = 0; i < pattern.Length; i++)
        {
            compiled[i] = pattern[i] switch
            {
                '*' => Star,
                '?' => Question,
                char c => c,
            };
        }

        return compiled;
    }

    /// <summary>The pattern as plain text, for the operators that compare without wildcards (StringEquals…).</summary>
    public static string ToLiteral(int[] pattern)
    {
        return string.Create(pattern.Length, pattern, static (span, p) =>
        {
            for (int i = 0; i < p.Length; i++)
            {
                span[i] = p[i] switch
                {
                    Star => '*',
                    Question => '?',
                    int c => (char)c,
                };
            }
        });
    }

    public static bool IsMatchAll(int[] pattern) => pattern is [Star];

    public static bool IsMatch(ReadOnlySpan<int> pattern, ReadOnlySpan<char> text, bool ignoreCase)
    {
        // Iterative matcher with single-star backtracking: linear for the patterns policies use, no recursion.
        int p = 0;
        int t = 0;
        int starP = -1;
        int starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == Star)
            {
                starP = p++;
                starT = t;
            }
            else if (p < pattern.Length && (pattern[p] == Question || CharEquals(pattern[p], text[t], ignoreCase)))
            {
                p++;
                t++;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                t = ++starT;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == Star)
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>
    /// ARN matching as AWS documents it for ArnLike/ArnEquals: each of the six colon-delimited components is matched
    /// separately (a wildcard never spans a colon, except inside the resource component, which may itself contain
    /// colons), case-sensitively. A value that is not a six-component ARN never matches.
    /// </summary>
    public static bool IsArnMatch(int[] pattern, string arn)
    {
        if (IsMatchAll(pattern))
        {
            return true;
        }

        Span<Range> patternParts = stackalloc Range[6];
        Span<Range> arnParts = stackalloc Range[6];
        if (SplitArn(pattern, patternParts) != 6 || SplitArn(arn, arnParts) != 6)
        {
            return false;
        }

        for (int i = 0; i < 6; i++)
        {
            if (!IsMatch(pattern.AsSpan(patternParts[i]), arn.AsSpan(arnParts[i]), ignoreCase: false))
            {
                return false;
            }
        }

        return true;
    }

    private static int SplitArn(ReadOnlySpan<int> value, Span<Range> parts)
    {
        int count = 0;
        int start = 0;
        for (int i = 0; i < value.Length && count < 5; i++)
        {
            if (value[i] == ':')
            {
                parts[count++] = new Range(start, i);
                start = i + 1;
            }
        }

        parts[count++] = new Range(start, value.Length);
        return count;
    }

    private static int SplitArn(ReadOnlySpan<char> value, Span<Range> parts)
    {
        int count = 0;
        int start = 0;
        for (int i = 0; i < value.Length && count < 5; i++)
        {
            if (value[i] == ':')
            {
                parts[count++] = new Range(start, i);
                start = i + 1;
            }
        }

        parts[count++] = new Range(start, value.Length);
        return count;
    }

    private static bool CharEquals(int patternChar, char textChar, bool ignoreCase)
    {
        if (patternChar == textChar)
        {
            return true;
        }

        return ignoreCase && patternChar >= 0
            && char.ToUpperInvariant((char)patternChar) == char.ToUpperInvariant(textChar);
    }
}
