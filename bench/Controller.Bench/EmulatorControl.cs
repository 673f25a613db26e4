using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace StatefulSpot.Controller.Bench;

/// <summary>What the emulator answered to an interruption: the warning now, shutting-down at <paramref name="TerminationTime"/>.</summary>
internal sealed record Interruption(string InstanceId, DateTimeOffset NoticeTime, DateTimeOffset TerminationTime);

/// <summary>EC2 calls the emulator received and throttled, per action. <see cref="Calls"/> is null on builds without that counter.</summary>
internal sealed record ThrottlingCounters(IReadOnlyDictionary<string, long> Throttled, IReadOnlyDictionary<string, long>? Calls)
{
    public long TotalThrottled => Throttled.Values.Sum();

    public long? TotalCalls => Calls?.Values.Sum();

    public ThrottlingCounters Minus(ThrottlingCounters before) => new(
        Delta(Throttled, before.Throttled),
        Calls is null ? null : Delta(Calls, before.Calls ?? new Dictionary<string, long>()));

    private static Dictionary<string, long> Delta(IReadOnlyDictionary<string, long> after, IReadOnlyDictionary<string, long> before) =>
        after.ToDictionary(a => a.Key, a => a.Value - before.GetValueOrDefault(a.Key));
}

/// <summary>The emulator's HTTP control API (<c>/_emulator/...</c>, src/Emulator/README.md).</summary>
internal sealed class EmulatorControl(Uri serviceUrl) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http = new() { BaseAddress = serviceUrl, Timeout = TimeSpan.FromSeconds(30) };

    public Uri ServiceUrl => serviceUrl;

    public async Task<bool> IsUpAsync(CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync("_emulator/time-scale", ct).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public async Task<Interruption> InterruptAsync(string instanceId, CancellationToken ct)
    {
        using var response = await _http.PostAsync($"_emulator/instances/{instanceId}/interrupt", null, ct).ConfigureAwait(false);
        await EnsureAsync(response, $"interrupt {instanceId}", ct).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<Interruption>(Json, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"the emulator answered nothing to interrupt {instanceId}");
    }

    /// <summary>POST or PUT a JSON body to a control path (faults, rebalance, health events); throws on a non-success answer.</summary>
    public async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, options: Json) };
        using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        await EnsureAsync(response, $"{method} {path}", ct).ConfigureAwait(false);
    }

    /// <summary>GET /_emulator/world, parsed.</summary>
    public async Task<JsonDocument> WorldAsync(CancellationToken ct)
    {
        using var response = await _http.GetAsync("_emulator/world", ct).ConfigureAwait(false);
        await EnsureAsync(response, "GET world", ct).ConfigureAwait(false);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
    }

    public async Task SetTimeScaleAsync(double timeScale, CancellationToken ct)
    {
        using var response = await _http.PutAsJsonAsync("_emulator/time-scale", new { timeScale }, Json, ct).ConfigureAwait(false);
        await EnsureAsync(response, "PUT time-scale", ct).ConfigureAwait(false);
    }

    /// <summary>GET /_emulator/throttling: the counters, and whether throttling refills on the simulated clock.</summary>
    public async Task<(ThrottlingCounters Counters, bool Enabled, bool RefillOnSimulatedClock)> ThrottlingAsync(CancellationToken ct)
    {
        using var response = await _http.GetAsync("_emulator/throttling", ct).ConfigureAwait(false);
        await EnsureAsync(response, "GET throttling", ct).ConfigureAwait(false);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
        var root = document.RootElement;
        var counters = new ThrottlingCounters(
            Counts(root, "throttledCalls") ?? new Dictionary<string, long>(),
            Counts(root, "calls"));
        return (counters,
            root.TryGetProperty("enabled", out var enabled) && enabled.GetBoolean(),
            !root.TryGetProperty("refillOnSimulatedClock", out var refill) || refill.GetBoolean());
    }

    /// <summary>DELETE /_emulator/throttling/counters where the build has it; false when it does not (the bench then uses differences).</summary>
    public async Task<bool> ResetCountersAsync(CancellationToken ct)
    {
        using var response = await _http.DeleteAsync("_emulator/throttling/counters", ct).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            return false;
        }

        await EnsureAsync(response, "DELETE throttling/counters", ct).ConfigureAwait(false);
        return true;
    }

    private static Dictionary<string, long>? Counts(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            throw new InvalidOperationException(
                $"the emulator answered {(int)response.StatusCode} to {what}: {body}".ToString(CultureInfo.InvariantCulture));
        }
    }

    public void Dispose() => _http.Dispose();
}
