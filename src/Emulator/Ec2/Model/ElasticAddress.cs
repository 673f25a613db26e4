namespace StatefulSpot.Emulator.Ec2.Model;

/// <summary>An Elastic IP (VPC). Associated, it is bound to a network interface and follows it from instance to instance.</summary>
internal sealed class ElasticAddress
{
    public required string AllocationId { get; init; }

    public long Sequence { get; init; }

    public required string PublicIp { get; init; }

    public DateTimeOffset AllocationTime { get; init; }

    public string? AssociationId { get; set; }

    public string? NetworkInterfaceId { get; set; }

    public string? PrivateIpAddress { get; set; }

    public Dictionary<string, string> Tags { get; init; } = new(StringComparer.Ordinal);
}
