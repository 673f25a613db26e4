namespace StatefulSpot.Grains.Interfaces;

/// <summary>What a delete takes with it (the product's deallocationConfig). By default data is kept.</summary>
[GenerateSerializer, Immutable, Alias("statefulspot.delete-options")]
public sealed record DeleteOptions
{
    /// <summary>Terminate the EC2 instance. False detaches the managed instance from a machine that keeps running. Default true.</summary>
    [Id(0)] public bool ShouldTerminateInstance { get; init; } = true;

    /// <summary>Delete the persisted data volumes. Default false.</summary>
    [Id(1)] public bool ShouldDeleteVolumes { get; init; }

    /// <summary>Delete the persistent network interface (and give a pooled IP back). Default false.</summary>
    [Id(2)] public bool ShouldDeleteNetworkInterfaces { get; init; }

    /// <summary>Delete snapshots taken for the managed instance. Default false.</summary>
    [Id(3)] public bool ShouldDeleteSnapshots { get; init; }

    /// <summary>Deregister images registered for the managed instance. Default false.</summary>
    [Id(4)] public bool ShouldDeleteImages { get; init; }
}
