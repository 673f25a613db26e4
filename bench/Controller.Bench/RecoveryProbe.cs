using System.Text.Json;

namespace StatefulSpot.Controller.Bench;

/// <summary>An instance in one reading: its state and private IP.</summary>
internal sealed record InstanceReading(string State, string? PrivateIp);

/// <summary>A volume in one reading: its state and its attachment (instance and attachment state), if any.</summary>
internal sealed record VolumeReading(string State, string? AttachedTo, string? AttachmentState);

/// <summary>
/// One managed instance's resources in one reading of the emulator's world, at the emulator's own clock
/// (<paramref name="TakenAt"/>: when the world was read, under its lock). <paramref name="Others"/> are its snapshots,
/// images and network interfaces, each as a short state text.
/// </summary>
internal sealed record WorldReading(
    DateTimeOffset TakenAt,
    IReadOnlyDictionary<string, InstanceReading> Instances,
    IReadOnlyDictionary<string, VolumeReading> Volumes,
    IReadOnlyDictionary<string, string> Others);

/// <summary>
/// Reads <c>GET /_emulator/world</c> every <see cref="Interval"/> (real time) during one recovery and keeps what the
/// managed instance's resources were in each reading. The control API is not EC2: the polls are no EC2 calls and take
/// nothing from the account's budget. The first reading is taken before <see cref="StartAsync"/> returns.
/// </summary>
internal sealed class RecoveryProbe : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);


    private readonly EmulatorControl _emulator;
    private readonly string _owner;
    private readonly HashSet<string> _volumeIds;
    private readonly List<WorldReading> _readings = [];
    private readonly CancellationTokenSource _stop;
    private Task _loop = Task.CompletedTask;

    private RecoveryProbe(EmulatorControl emulator, string owner, IEnumerable<string> volumeIds, CancellationToken ct)
    {
        _emulator = emulator;
        _owner = owner;
        _volumeIds = [.. volumeIds];
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
    }

    /// <summary>Readings that failed (an HTTP error or timeout): none is lost silently.</summary>
    public int FailedReadings { get; private set; }

    /// <summary>
    /// Starts polling for the resources tagged with <paramref name="owner"/>, attached to one of its instances, or
    /// named in <paramref name="volumeIds"/> (its data volumes, in case a volume is not tagged).
    /// </summary>
    public static async Task<RecoveryProbe> StartAsync(EmulatorControl emulator, string owner, IEnumerable<string> volumeIds, CancellationToken ct)
    {
        var probe = new RecoveryProbe(emulator, owner, volumeIds, ct);
        probe._readings.Add(await probe.ReadAsync(ct).ConfigureAwait(false));
        probe._loop = probe.LoopAsync();
        return probe;
    }

    /// <summary>Stops polling and returns the readings in order.</summary>
    public async Task<IReadOnlyList<WorldReading>> StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the stop itself
        }

        lock (_readings)
        {
            return [.. _readings];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
        {
            try
            {
                var reading = await ReadAsync(_stop.Token).ConfigureAwait(false);
                lock (_readings)
                {
                    _readings.Add(reading);
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException or JsonException
                || (exception is OperationCanceledException && !_stop.IsCancellationRequested))
            {
                FailedReadings++;
            }
        }
    }

    private async Task<WorldReading> ReadAsync(CancellationToken ct)
    {
        using var world = await _emulator.WorldAsync(ct).ConfigureAwait(false);
        return Read(world.RootElement, _owner, _volumeIds);
    }

    /// <summary>The resources of <paramref name="owner"/> in one world snapshot.</summary>
    public static WorldReading Read(JsonElement world, string owner, IReadOnlySet<string> volumeIds)
    {
        var instances = new Dictionary<string, InstanceReading>(StringComparer.Ordinal);
        foreach (var i in WorldJson.Items(world, "instances").Where(i => WorldJson.Owner(i) == owner))
        {
            instances[WorldJson.Text(i, "instanceId")!] = new InstanceReading(WorldJson.Text(i, "state") ?? "?", WorldJson.Text(i, "privateIpAddress"));
        }

        var volumes = new Dictionary<string, VolumeReading>(StringComparer.Ordinal);
        foreach (var v in WorldJson.Items(world, "volumes"))
        {
            var id = WorldJson.Text(v, "volumeId")!;
            var attachment = WorldJson.Items(v, "attachments").Select(a => (Instance: WorldJson.Text(a, "instanceId"), State: WorldJson.Text(a, "state"))).FirstOrDefault();
            if (WorldJson.Owner(v) == owner || volumeIds.Contains(id) || (attachment.Instance is { } on && instances.ContainsKey(on)))
            {
                volumes[id] = new VolumeReading(WorldJson.Text(v, "state") ?? "?", attachment.Instance, attachment.State);
            }
        }

        var others = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in WorldJson.Items(world, "snapshots").Where(s => WorldJson.Owner(s) == owner))
        {
            others[WorldJson.Text(s, "snapshotId")!] = $"{WorldJson.Text(s, "state")} (of {WorldJson.Text(s, "volumeId")})";
        }

        foreach (var i in WorldJson.Items(world, "images").Where(i => WorldJson.Owner(i) == owner))
        {
            others[WorldJson.Text(i, "imageId")!] = WorldJson.Text(i, "state") ?? "?";
        }

        foreach (var n in WorldJson.Items(world, "networkInterfaces").Where(n => WorldJson.Owner(n) == owner))
        {
            var on = n.TryGetProperty("attachment", out var a) && a.ValueKind == JsonValueKind.Object ? $", {WorldJson.Text(a, "status")} to {WorldJson.Text(a, "instanceId")}" : "";
            others[WorldJson.Text(n, "networkInterfaceId")!] = $"{WorldJson.Text(n, "status")}{on} ({WorldJson.Text(n, "privateIpAddress")})";
        }

        return new WorldReading(world.GetProperty("takenAt").GetDateTimeOffset(), instances, volumes, others);
    }
}
