using System.Text;
using System.Text.Json;

namespace VaultCopy.Emulator.Services.Iam;

/// <summary>A 1-based line and column in a policy document's text.</summary>
internal readonly record struct TextPosition(int Line, int Column);

/// <summary>
/// Where each statement of a policy document sits in its text, for the simulator's MatchedStatements
/// (StartPosition/EndPosition). Start is the statement's opening brace; End is the column just past its closing
/// brace, which is how AWS's published examples count (they show End one column after the brace).
/// </summary>
internal static class StatementPositions
{
    /// <summary>Positions by statement index; empty when the text cannot be read (it was parsed before, so rarely).</summary>
    public static IReadOnlyList<(TextPosition Start, TextPosition End)> Locate(string json)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        var spans = new List<(long Start, long End)>();
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            bool inStatement = false;
            int statementDepth = -1;
            long start = 0;
            while (reader.Read())
            {
                if (!inStatement)
                {
                    if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("Statement"))
                    {
                        inStatement = true;
                    }

                    continue;
                }

                // Inside the Statement element: a single object at depth 1, or an array whose objects are at depth 2.
                if (statementDepth < 0)
                {
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        statementDepth = 1;
                        start = reader.TokenStartIndex;
                        reader.Skip();
                        spans.Add((start, reader.TokenStartIndex + 1));
                        break;
                    }

                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        statementDepth = 2;
                        continue;
                    }

                    break;
                }

                if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == statementDepth)
                {
                    start = reader.TokenStartIndex;
                    reader.Skip();
                    spans.Add((start, reader.TokenStartIndex + 1));
                }
                else if (reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == statementDepth - 1)
                {
                    break;
                }
            }
        }
        catch (JsonException)
        {
            return [];
        }

        return spans.Select(s => (ToPosition(utf8, s.Start), ToPosition(utf8, s.End))).ToList();
    }

    private static TextPosition ToPosition(byte[] utf8, long byteOffset)
    {
        int line = 1;
        int column = 1;
        for (long i = 0; i < byteOffset && i < utf8.Length; i++)
        {
            byte b = utf8[i];
            if (b == (byte)'\n')
            {
                line++;
                column = 1;
            }
            else if ((b & 0xC0) != 0x80)
            {
                // Count characters, not bytes: continuation bytes of a multi-byte character add nothing.
                column++;
            }
        }

        return new TextPosition(line, column);
    }
}
