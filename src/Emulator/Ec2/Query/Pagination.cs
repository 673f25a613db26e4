using System.Globalization;
using System.Text;

namespace StatefulSpot.Emulator.Ec2.Query;

/// <summary>MaxResults / NextToken paging over an ordered result list.</summary>
internal static class Pagination
{
    private const string Prefix = "emulator-offset:";
    private const string AfterPrefix = "emulator-after:";

    public static (IReadOnlyList<T> Page, string? NextToken) Apply<T>(
        IReadOnlyList<T> all, int? maxResults, string? nextToken, int min, int max)
    {
        CheckMaxResults(maxResults, min, max);
        var offset = string.IsNullOrEmpty(nextToken) ? 0 : (int)Math.Min(DecodeToken(nextToken, Prefix), int.MaxValue);
        if (maxResults is null)
        {
            return (all.Skip(offset).ToList(), null);
        }

        var page = all.Skip(offset).Take(maxResults.Value).ToList();
        var next = offset + page.Count;
        return (page, next < all.Count ? EncodeToken(next) : null);
    }

    /// <summary>
    /// Pages over resources kept in sequence order (<see cref="Model.ResourceTable{T}"/>), filtering as it goes: the token
    /// names the last sequence returned, so a page costs its own length (plus what the filter skips), not its offset, and
    /// resources created or deleted between pages neither repeat nor shift the next page.
    /// </summary>
    public static (IReadOnlyList<T> Page, string? NextToken) Ordered<T>(
        IReadOnlyList<T> ordered, Func<T, long> sequence, Func<T, bool> include, int? maxResults, string? nextToken, int min, int max)
    {
        CheckMaxResults(maxResults, min, max);
        var start = 0;
        if (!string.IsNullOrEmpty(nextToken))
        {
            var after = DecodeToken(nextToken, AfterPrefix);
            int high = ordered.Count;
            while (start < high)
            {
                var middle = start + ((high - start) / 2);
                if (sequence(ordered[middle]) <= after)
                {
                    start = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }
        }

        var limit = maxResults ?? int.MaxValue;
        var page = new List<T>(Math.Min(limit, 1024));
        for (var i = start; i < ordered.Count; i++)
        {
            var item = ordered[i];
            if (!include(item))
            {
                continue;
            }

            if (page.Count == limit)
            {
                return (page, EncodeToken(AfterPrefix, sequence(page[^1])));
            }

            page.Add(item);
        }

        return (page, null);
    }

    private static void CheckMaxResults(int? maxResults, int min, int max)
    {
        if (maxResults is { } requested && (requested < min || requested > max))
        {
            throw Ec2Errors.InvalidParameterValue(
                $"Value ( {requested} ) for parameter maxResults is invalid. Expecting a value between {min} and {max}.");
        }
    }

    private static string EncodeToken(int offset) => EncodeToken(Prefix, offset);

    private static string EncodeToken(string prefix, long value) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(prefix + value.ToString(CultureInfo.InvariantCulture)));

    private static long DecodeToken(string token, string prefix)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (text.StartsWith(prefix, StringComparison.Ordinal)
                && long.TryParse(text.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
        }
        catch (FormatException)
        {
            // fall through: not base64
        }

        throw Ec2Errors.InvalidPaginationToken(token);
    }
}
