using System.Globalization;
using System.Text;

namespace StatefulSpot.Emulator.Ec2.Query;

/// <summary>MaxResults / NextToken paging over an ordered result list.</summary>
internal static class Pagination
{
    private const string Prefix = "emulator-offset:";

    public static (IReadOnlyList<T> Page, string? NextToken) Apply<T>(
        IReadOnlyList<T> all, int? maxResults, string? nextToken, int min, int max)
    {
        if (maxResults is { } requested && (requested < min || requested > max))
        {
            throw Ec2Errors.InvalidParameterValue(
                $"Value ( {requested} ) for parameter maxResults is invalid. Expecting a value between {min} and {max}.");
        }

        var offset = string.IsNullOrEmpty(nextToken) ? 0 : DecodeToken(nextToken);
        if (maxResults is null)
        {
            return (all.Skip(offset).ToList(), null);
        }

        var page = all.Skip(offset).Take(maxResults.Value).ToList();
        var next = offset + page.Count;
        return (page, next < all.Count ? EncodeToken(next) : null);
    }

    private static string EncodeToken(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(Prefix + offset.ToString(CultureInfo.InvariantCulture)));

    private static int DecodeToken(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (text.StartsWith(Prefix, StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
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
