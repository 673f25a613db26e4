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
    private readonly Dictionary<string, Func<T, string?>> _single = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<T, IEnumerable<string?>>> _many = new(StringComparer.Ordinal);
    private readonly Func<T, IReadOnlyDictionary<string, string>>? _tags;

    public FilterFields(Func<T, IReadOnlyDictionary<string, string>>? tags = null) => _tags = tags;

    public FilterFields<T> Add(string name, Func<T, string?> value)
    {
        _single[name] = value;
        return this;
    }

    public FilterFields<T> AddMany(string name, Func<T, IEnumerable<string?>> values)
    {
        _many[name] = values;
        return this;
    }

    /// <summary>
    /// Builds the predicate once per request (values matched through a set or compiled patterns, a <c>tag:KEY</c>
    /// filter through one dictionary lookup); an unknown filter name is <c>InvalidParameterValue</c>.
    /// </summary>
    public Func<T, bool> Compile(IReadOnlyList<Ec2Filter> filters)
    {
        var predicates = filters.Select(CompileOne).ToArray();
        return predicates.Length switch
        {
            0 => static _ => true,
            1 => predicates[0],
            _ => item =>
            {
                foreach (var predicate in predicates)
                {
                    if (!predicate(item))
                    {
                        return false;
                    }
                }

                return true;
            },
        };
    }

    private Func<T, bool> CompileOne(Ec2Filter filter)
    {
        var name = filter.Name;
        var matches = Matcher(filter.Values);
        if (_tags is { } tags)
        {
            if (name.StartsWith("tag:", StringComparison.Ordinal))
            {
                var key = name[4..];
                return item => tags(item).TryGetValue(key, out var v) && matches(v);
            }

            if (name == "tag-key")
            {
                return item => AnyMatch(tags(item).Keys, matches);
            }

            if (name == "tag-value")
            {
                return item => AnyMatch(tags(item).Values, matches);
            }
        }

        if (_single.TryGetValue(name, out var single))
        {
            return item => single(item) is { } v && matches(v);
        }

        if (_many.TryGetValue(name, out var many))
        {
            return item => AnyMatch(many(item), matches);
        }

        throw Ec2Errors.InvalidFilter(name);
    }

    private static bool AnyMatch(IEnumerable<string?> values, Func<string, bool> matches)
    {
        foreach (var v in values)
        {
            if (v is not null && matches(v))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a value matches any of the filter's values (exact, or <c>*</c> / <c>?</c> patterns).</summary>
    private static Func<string, bool> Matcher(IReadOnlyList<string> values)
    {
        var exact = values.Where(v => !IsPattern(v)).ToHashSet(StringComparer.Ordinal);
        var patterns = values.Where(IsPattern).Select(Pattern).ToArray();
        if (patterns.Length == 0)
        {
            return exact.Count == 1 ? Single(exact.First()) : exact.Contains;
        }

        return candidate => exact.Contains(candidate) || patterns.Any(p => p.IsMatch(candidate));

        static Func<string, bool> Single(string value) => candidate => string.Equals(candidate, value, StringComparison.Ordinal);
    }

    private static bool IsPattern(string value) =>
        value.Contains('*', StringComparison.Ordinal) || value.Contains('?', StringComparison.Ordinal);

    private static Regex Pattern(string value) => new(
        "^" + Regex.Escape(value).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
        RegexOptions.CultureInvariant | RegexOptions.Singleline);
}
