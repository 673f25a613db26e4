namespace StatefulSpot.Grains.Interfaces;

/// <summary>
/// Bring an existing EC2 instance under management (the product's migration): it is imaged, and the managed instance
/// runs from that image with its volumes built from the image's snapshots. Keeping its private IP requires terminating it.
/// </summary>
[GenerateSerializer, Immutable, Alias("statefulspot.import-request")]
public sealed record ImportRequest
{
    /// <summary>The EC2 instance to import (i-…).</summary>
    [Id(0)] public required string OriginalInstanceId { get; init; }

    /// <summary>The managed instance's name. Default: the instance's Name tag, else its id.</summary>
    [Id(1)] public string? Name { get; init; }

    /// <summary>Instance types to run on, preferred first. Default: the instance's own type.</summary>
    [Id(2)] public IReadOnlyList<string> InstanceTypes { get; init; } = [];

    /// <summary>Subnets to run in (several AZs only when the private IP is not kept). Default: the instance's subnet.</summary>
    [Id(3)] public IReadOnlyList<string> SubnetIds { get; init; } = [];

    /// <summary>Keep the instance's private IP: a persistent ENI takes it over once the instance is terminated.</summary>
    [Id(4)] public bool ShouldKeepPrivateIp { get; init; }

    /// <summary>Terminate the original once it is imaged. Required to keep its private IP. Default false: it keeps running.</summary>
    [Id(5)] public bool ShouldTerminateInstance { get; init; }

    /// <summary>How the managed instance persists its resources. Default: data volumes reattached, root persisted.</summary>
    [Id(6)] public PersistenceSpec? Persistence { get; init; }

    [Id(7)] public StrategySpec? Strategy { get; init; }
}
