using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StatefulSpot.Emulator.Ec2.Model;

/// <summary>A resource with an id and the creation sequence number EC2 lists it by.</summary>
internal interface ISequenced
{
    string Id { get; }

    long Sequence { get; }
}

/// <summary>
/// Resources by id that also keeps them in <see cref="ISequenced.Sequence"/> order, so a Describe neither sorts the
/// world nor starts a page from the beginning. Serialized as a plain <c>{ id: resource }</c> object.
/// </summary>
[JsonConverter(typeof(ResourceTableJsonConverterFactory))]
internal sealed class ResourceTable<T> : IReadOnlyDictionary<string, T>
    where T : class, ISequenced
{
    private readonly Dictionary<string, T> _byId = new(StringComparer.Ordinal);
    private readonly List<T> _ordered = [];

    public int Count => _byId.Count;

    public T this[string key] => _byId[key];

    public IEnumerable<string> Keys => _byId.Keys;

    /// <summary>The resources in sequence (creation) order.</summary>
    public IReadOnlyList<T> Values => _ordered;

    IEnumerable<T> IReadOnlyDictionary<string, T>.Values => _ordered;

    /// <summary>Adds a new resource or replaces the one with its id.</summary>
    public void Add(T resource)
    {
        if (_byId.TryGetValue(resource.Id, out var existing))
        {
            _ordered.RemoveAt(IndexOf(existing.Sequence));
        }

        _byId[resource.Id] = resource;
        if (_ordered.Count == 0 || _ordered[^1].Sequence < resource.Sequence)
        {
            _ordered.Add(resource);
        }
        else
        {
            _ordered.Insert(FirstAfter(resource.Sequence), resource);
        }
    }

    public bool Remove(string id)
    {
        if (!_byId.Remove(id, out var resource))
        {
            return false;
        }

        _ordered.RemoveAt(IndexOf(resource.Sequence));
        return true;
    }

    /// <summary>The index in <see cref="Values"/> of the first resource with a sequence greater than <paramref name="sequence"/>.</summary>
    public int FirstAfter(long sequence)
    {
        int low = 0, high = _ordered.Count;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (_ordered[middle].Sequence <= sequence)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    public bool ContainsKey(string key) => _byId.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out T value) => _byId.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, T>> GetEnumerator() =>
        _ordered.Select(r => new KeyValuePair<string, T>(r.Id, r)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(long sequence)
    {
        var index = FirstAfter(sequence) - 1;
        return index >= 0 && _ordered[index].Sequence == sequence
            ? index
            : throw new InvalidOperationException($"Resource with sequence {sequence} is not in the ordered list.");
    }
}

/// <summary>Reads and writes a <see cref="ResourceTable{T}"/> as a JSON object keyed by id.</summary>
internal sealed class ResourceTableJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(ResourceTable<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class Converter<T> : JsonConverter<ResourceTable<T>>
        where T : class, ISequenced
    {
        public override ResourceTable<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var table = new ResourceTable<T>();
            foreach (var resource in (IEnumerable<T>?)JsonSerializer.Deserialize<Dictionary<string, T>>(ref reader, options)?.Values ?? [])
            {
                table.Add(resource);
            }

            return table;
        }

        public override void Write(Utf8JsonWriter writer, ResourceTable<T> value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            foreach (var resource in value.Values)
            {
                writer.WritePropertyName(resource.Id);
                JsonSerializer.Serialize(writer, resource, options);
            }

            writer.WriteEndObject();
        }
    }
}
