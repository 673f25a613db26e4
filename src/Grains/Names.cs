namespace StatefulSpot.Grains;

/// <summary>Storage provider names: the one place they are spelled.</summary>
public static class StorageNames
{
    /// <summary>Grain state of managed instances and their resources.</summary>
    public const string Instances = "instances";
}

/// <summary>Stream provider and namespace names.</summary>
public static class StreamNames
{
    /// <summary>The persistent stream provider that reads EventBridge events from SQS.</summary>
    public const string Provider = "ec2-events";

    /// <summary>Stream namespace; the stream key is the EC2 instance id.</summary>
    public const string Ec2Events = "ec2-events";
}

/// <summary>Tags StatefulSpot puts on what it creates.</summary>
public static class TagKeys
{
    public const string ManagedInstance = "statefulspot:managed-instance";
    public const string Generation = "statefulspot:generation";
    public const string Device = "statefulspot:device";

    /// <summary>
    /// The Orleans cluster id of the cluster that launched an instance: a reconciler reaps only its own cluster's
    /// unrecorded instances, never those of another StatefulSpot cluster in the same account and region.
    /// </summary>
    public const string Cluster = "statefulspot:cluster";

    /// <summary>An operator marks an instance importable with this tag set to "allowed"; the shipped IAM policy requires it.</summary>
    public const string Import = "statefulspot:import";
    public const string Name = "Name";
}
