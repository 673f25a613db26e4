using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Unit.Tests.ManagedInstances;

internal static class Specs
{
    public static ManagedInstanceSpec Database(bool persistPrivateIp = true) => new()
    {
        Name = "orders-db",
        SubnetIds = ["subnet-0aaaaaaaaaaaaaaa1"],
        LaunchSpecification = new LaunchSpecification
        {
            ImageId = "ami-0123456789abcdef0",
            InstanceTypes = InstanceTypesSpec.Of("m5.large"),
            BlockDeviceMappings = [new BlockDeviceMappingSpec { DeviceName = "/dev/sdf", VolumeSizeGiB = 100 }],
            Tags = new Dictionary<string, string> { ["team"] = "payments" },
        },
        Persistence = new PersistenceSpec { PersistPrivateIp = persistPrivateIp },
    };
}
