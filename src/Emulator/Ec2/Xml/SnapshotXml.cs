using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;

namespace StatefulSpot.Emulator.Ec2.Xml;

/// <summary>The Snapshot shape (CreateSnapshot, DescribeSnapshots).</summary>
internal sealed class SnapshotXml(SharedXml shared, SimulationClock clock)
{
    public void Snapshot(Ec2XmlWriter x, Snapshot s)
    {
        x.Element("snapshotId", s.SnapshotId);
        x.Element("volumeId", s.VolumeId);
        x.Element("status", s.State.ToWire());
        x.Element("startTime", s.StartTime);
        x.Element("progress", s.Progress(clock.Now));
        x.Element("ownerId", s.OwnerAlias is null ? shared.OwnerId : Model.Snapshot.AmazonOwnerId);
        x.Element("ownerAlias", s.OwnerAlias);
        x.Element("volumeSize", s.VolumeSize);
        x.Element("description", s.Description);
        x.Element("encrypted", s.Encrypted);
        x.Element("storageTier", "standard");
        if (s.State == SnapshotState.Completed)
        {
            x.Element("completionTime", s.CompletionTime);
        }

        x.Tags(s.Tags);
    }
}
