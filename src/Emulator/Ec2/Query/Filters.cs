using System.Text.RegularExpressions;

namespace StatefulSpot.Emulator.Ec2.Query;

/// <summary>One <c>Filter.N</c> of a Describe call.</summary>
internal sealed record Ec2Filter(string Name, IReadOnlyList<string> Values)
{
    /// <summary>Reads <c>Filter.N.Name</c> / <c>Filter.N.Value.M</c>.</summary>
    public static IReadOnlyList<Ec2Filter> Parse(QueryNode request) =>
        request.List("Filter").Select(f => new Ec2Filter(f.RequiredString("Name"), f.StringList("Value"))).ToList();
}

/// <summary>
/// The filter names a Describe call supports for one resource type, and how to evaluate them: values within a filter
/// are OR-ed, filters are AND-ed, <c>*</c> and <c>?</c> are wildcards, <c>tag:KEY</c>, <c>tag-key</c>, <c>tag-value</c>
/// work on the resource's tags.
/// </summary>
internal sealed class FilterFields<T>
{
    private readonly Dictionary<string, Func<T, IEnumerable<string?>>> _fields = new(StringComparer.Ordinal);
    private readonly Func<T, IReadOnlyDictionary<string, string>>? _tags;

    public FilterFields(Func<T, IReadOnlyDictionary<string, string>>? tags = null) => _tags = tags;

    public FilterFields<T> Add(string name, Func<T, string?> value)
    {
        _fields[name] = item => [value(item)];
        return this;
    }

    public FilterFields<T> AddMany(string name, Func<T, IEnumerable<string?>> values)
    {
        _fields[name] = values;
        return this;
    }

    /// <summary>Builds the predicate; an unknown filter name is <c>InvalidParameterValue</c>.</summary>
    public Func<T, bool> Compile(IReadOnlyList<Ec2Filter> filters)
    {
        var predicates = filters.Select(CompileOne).ToList();
        return item => predicates.All(p => p(item));
    }

    private Func<T, bool> CompileOne(Ec2Filter filter)
    {
        var patterns = filter.Values.Select(Pattern).ToList();
        var values = Resolve(filter.Name);
        return item => values(item).Any(v => v is not null && patterns.Any(p => p(v)));
    }

    private Func<T, IEnumerable<string?>> Resolve(string name)
    {
        if (_tags is { } tags)
        {
            if (name.StartsWith("tag:", StringComparison.Ordinal))
            {
                var key = name[4..];
                return item => tags(item).TryGetValue(key, out var v) ? [v] : [];
            }

            if (name == "tag-key")
            {
                return item => tags(item).Keys;
            }

            if (name == "tag-value")
            {
                return item => tags(item).Values;
            }
        }

        return _fields.TryGetValue(name, out var field) ? field : throw Ec2Errors.InvalidFilter(name);
    }

    private static Func<string, bool> Pattern(string value)
    {
        if (!value.Contains('*', StringComparison.Ordinal) && !value.Contains('?', StringComparison.Ordinal))
        {
            return candidate => string.Equals(candidate, value, StringComparison.Ordinal);
        }

        var regex = new Regex(
            "^" + Regex.Escape(value).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant | RegexOptions.Singleline);
        return regex.IsMatch;
    }
}
