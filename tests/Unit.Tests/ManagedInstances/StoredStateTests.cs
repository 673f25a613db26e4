using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;
using StatefulSpot.Grains.Interfaces;
using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Unit.Tests.ManagedInstances;

/// <summary>Managed-instance state as grain storage reads it: the serializer every mode registers, with its defaults.</summary>
public sealed class StoredStateTests
{
    private static readonly SystemTextJsonGrainStorageSerializer Serializer = new(Options.Create(new SystemTextJsonGrainStorageSerializerOptions()));

    [Fact]
    public void StateAnOlderBuildStoredWithItsCopyOfTheVolumes_Loads_AndTheRetiredFieldIsDropped()
    {
        // What an older build wrote: the same state, and ManagedInstanceState.Volumes (Id 7, retired) beside it.
        var stored = JsonNode.Parse(Serializer.Serialize(new ManagedInstanceState
        {
            Spec = Specs.Database(),
            Status = ManagedInstanceStatus.Active,
            Generation = 3,
            InstanceId = "i-live",
            StaleVolumeIds = ["vol-old"],
        }).ToString())!.AsObject();
        IReadOnlyList<VolumeView> copy = [new VolumeView { DeviceName = "/dev/sdf", VolumeId = "vol-1", AvailabilityZone = "us-east-1a", State = "in-use" }];
        stored["Volumes"] = JsonNode.Parse(Serializer.Serialize(copy).ToString());

        var state = Serializer.Deserialize<ManagedInstanceState>(BinaryData.FromString(stored.ToJsonString()));

        Assert.NotNull(state);
        Assert.Equal((ManagedInstanceStatus.Active, 3, "i-live"), (state.Status, state.Generation, state.InstanceId));
        Assert.Equal(["vol-old"], state.StaleVolumeIds);
        Assert.Equal("/dev/sdf", Assert.Single(state.Spec!.LaunchSpecification.BlockDeviceMappings).DeviceName);
        var rewritten = JsonNode.Parse(Serializer.Serialize(state).ToString())!.AsObject();
        Assert.False(rewritten.ContainsKey("Volumes"));
    }
}
