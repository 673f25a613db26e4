using System.Globalization;
using System.Text;

namespace StatefulSpot.Emulator.Ec2.Query;

/// <summary>
/// An EC2 Query request as a tree: <c>NetworkInterface.1.DeviceIndex=0</c> becomes
/// NetworkInterface -> 1 -> DeviceIndex = "0". All-digit segments are 1-based list indices; names are case-sensitive.
/// </summary>
internal sealed class QueryNode
{
    private readonly Dictionary<string, QueryNode> _children = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<KeyValuePair<string, string>> _pairs;

    private QueryNode(IReadOnlyList<KeyValuePair<string, string>> pairs, string path)
    {
        _pairs = pairs;
        Path = path;
    }

    /// <summary>The dotted key of this node ("" for the root).</summary>
    public string Path { get; }

    public string? Value { get; private set; }

    public static QueryNode Parse(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var list = pairs.ToList();
        var root = new QueryNode(list, "");
        foreach (var (key, value) in list)
        {
            var node = root;
            foreach (var segment in key.Split('.'))
            {
                if (!node._children.TryGetValue(segment, out var child))
                {
                    child = new QueryNode(list, node.Path.Length == 0 ? segment : node.Path + "." + segment);
                    node._children[segment] = child;
                }

                node = child;
            }

            node.Value = value;
        }

        return root;
    }

    public QueryNode? Node(string path)
    {
        var node = this;
        foreach (var segment in path.Split('.'))
        {
            if (!node._children.TryGetValue(segment, out node))
            {
                return null;
            }
        }

        return node;
    }

    public bool Has(string path) => Node(path) is not null;

    /// <summary>The first segments of every parameter name (<c>Filter</c> for <c>Filter.1.Name</c>).</summary>
    public IEnumerable<string> TopLevelNames => _children.Keys;

    public string? String(string path) => Node(path)?.Value;

    /// <summary>A value that must be present and non-empty, else <c>MissingParameter</c>.</summary>
    public string RequiredString(string path)
    {
        var value = String(path);
        return string.IsNullOrEmpty(value) ? throw Ec2Errors.MissingParameter(path) : value;
    }

    public int? Int(string path)
    {
        var raw = String(path);
        if (raw is null)
        {
            return null;
        }

        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Ec2Errors.InvalidValue(raw, Qualified(path));
    }

    public bool? Bool(string path)
    {
        var raw = String(path);
        if (raw is null)
        {
            return null;
        }

        return bool.TryParse(raw, out var value) ? value : throw Ec2Errors.InvalidValue(raw, Qualified(path));
    }

    /// <summary>The items of the flattened list at <paramref name="path"/> in index order (empty when absent).</summary>
    public IReadOnlyList<QueryNode> List(string path)
    {
        var node = Node(path);
        if (node is null)
        {
            return [];
        }

        return node._children
            .Where(c => c.Key.Length > 0 && c.Key.All(char.IsAsciiDigit))
            .OrderBy(c => long.Parse(c.Key, CultureInfo.InvariantCulture))
            .Select(c => c.Value)
            .ToList();
    }

    public IReadOnlyList<string> StringList(string path) => List(path).Select(n => n.Value ?? "").ToList();

    /// <summary>
    /// A canonical form of every parameter except <paramref name="excluded"/>, used to compare the parameters of
    /// two requests sharing a ClientToken.
    /// </summary>
    public string Fingerprint(params string[] excluded)
    {
        var builder = new StringBuilder();
        foreach (var (key, value) in _pairs.Where(p => !excluded.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            builder.Append(key).Append('=').Append(value).Append('&');
        }

        return builder.ToString();
    }

    private string Qualified(string path) => Path.Length == 0 ? path : Path + "." + path;
}
