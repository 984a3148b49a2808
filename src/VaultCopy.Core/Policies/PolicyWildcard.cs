namespace VaultCopy.Core.Policies;

/// <summary>IAM's two wildcards: <c>*</c> (any run of characters) and <c>?</c> (one character).</summary>
internal static class PolicyWildcard
{
    public static bool IsMatch(string pattern, string text, bool ignoreCase)
    {
        // Greedy matcher with single-star backtracking: linear for the patterns policies hold, no recursion.
        int p = 0, t = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starT = t;
            }
            else if (p < pattern.Length && (pattern[p] == '?' || CharEquals(pattern[p], text[t], ignoreCase)))
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

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>
    /// ArnLike/ArnEquals: each of the six colon-separated parts matched on its own, case-sensitively, so a wildcard
    /// never reaches across a colon (except inside the resource part). Something that is not an ARN never matches.
    /// </summary>
    public static bool IsArnMatch(string pattern, string arn)
    {
        if (pattern == "*")
        {
            return true;
        }

        string[] patternParts = pattern.Split(':', 6);
        string[] arnParts = arn.Split(':', 6);
        if (patternParts.Length != 6 || arnParts.Length != 6)
        {
            return false;
        }

        for (int i = 0; i < 6; i++)
        {
            if (!IsMatch(patternParts[i], arnParts[i], ignoreCase: false))
            {
                return false;
            }
        }

        return true;
    }

    private static bool CharEquals(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));
}
