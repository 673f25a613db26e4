using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;
using StatefulSpot.Emulator.Ec2.Operations;
using StatefulSpot.Emulator.Ec2.Query;
using StatefulSpot.Emulator.Ec2.Xml;

namespace StatefulSpot.Emulator.Ec2.Actions;

/// <summary>
/// RunInstances, DescribeInstances, TerminateInstances, StopInstances, StartInstances, DescribeInstanceStatus and
/// ModifyInstanceAttribute on the wire.
/// </summary>
internal sealed class InstanceActions(
    InstanceLauncher launcher, InstanceOperations instances, InstanceQueries queries, InstanceAttributeOperations attributes,
    InstanceXml xml, InstanceStatusXml statusXml)
{
    private static readonly string[] ModelledAttributes =
    [
        "BlockDeviceMapping", "DisableApiTermination", "SourceDestCheck", "InstanceId", "Attribute", "Value", "Action", "Version", "DryRun",
    ];

    public void Register(Ec2ActionTable table) => table
        .Mutating("RunInstances", RunInstances)
        .ReadOnly("DescribeInstances", DescribeInstances)
        .Mutating("TerminateInstances", call => StateChanges(call, instances.Terminate))
        .Mutating("StopInstances", call => StateChanges(call, instances.Stop))
        .Mutating("StartInstances", call => StateChanges(call, instances.Start))
        .ReadOnly("DescribeInstanceStatus", DescribeInstanceStatus)
        .Mutating("ModifyInstanceAttribute", ModifyInstanceAttribute);

    /// <summary>EC2 takes at most 16 KB of user data, before base64.</summary>
    private const int MaxUserDataBytes = 16 * 1024;

    private void RunInstances(Ec2Call call)
    {
        var r = call.Request;
        if (r.String("UserData") is { } userData)
        {
            var bytes = new byte[userData.Length];
            if (!Convert.TryFromBase64String(userData, bytes, out var length))
            {
                throw Ec2Errors.InvalidParameterValue("Invalid BASE64 encoding of user data.");
            }

            if (length > MaxUserDataBytes)
            {
                throw Ec2Errors.InvalidParameterValue($"User data is limited to {MaxUserDataBytes} bytes.");
            }
        }

        var request = new LaunchRequest
        {
            ImageId = r.String("ImageId"),
            InstanceType = r.String("InstanceType"),
            MinCount = r.Int("MinCount"),
            MaxCount = r.Int("MaxCount"),
            SubnetId = r.String("SubnetId"),
            AvailabilityZone = r.String("Placement.AvailabilityZone"),
            PrivateIpAddress = r.String("PrivateIpAddress"),
            KeyName = r.String("KeyName"),
            SecurityGroupIds = r.StringList("SecurityGroupId"),
            NetworkInterfaces = r.List("NetworkInterface").Select(n => new LaunchInterface(
                n.Int("DeviceIndex"),
                n.String("NetworkInterfaceId"),
                n.String("SubnetId"),
                n.String("PrivateIpAddress") ?? n.List("PrivateIpAddresses").FirstOrDefault(p => p.Bool("Primary") == true)?.String("PrivateIpAddress"),
                n.Bool("DeleteOnTermination"),
                n.String("Description"),
                n.StringList("SecurityGroupId"))).ToList(),
            BlockDevices = r.List("BlockDeviceMapping").Select(b => new LaunchBlockDevice(
                b.String("DeviceName"),
                b.Has("NoDevice"),
                b.Has("Ebs"),
                b.Int("Ebs.VolumeSize"),
                b.String("Ebs.VolumeType"),
                b.Bool("Ebs.DeleteOnTermination"),
                b.String("Ebs.SnapshotId"),
                b.Int("Ebs.Iops"),
                b.Int("Ebs.Throughput"),
                b.Bool("Ebs.Encrypted"))).ToList(),
            MarketType = r.String("InstanceMarketOptions.MarketType"),
            SpotInstanceType = r.String("InstanceMarketOptions.SpotOptions.SpotInstanceType"),
            InterruptionBehavior = r.String("InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior"),
            Tags = TagSpecifications.Parse(r, InstanceLauncher.Taggable, InstanceLauncher.IgnoredTagTypes),
            ClientToken = r.String("ClientToken"),
            DisableApiTermination = r.Bool("DisableApiTermination") ?? false,
            Fingerprint = r.Fingerprint("ClientToken", "Version"),
        };
        var result = launcher.Launch(call.State, request);
        xml.Reservation(call.Xml, result.ReservationId, result.Instances.Select(i => new InstanceView(i, call.State.Ec2)));
    }

    private void DescribeInstances(Ec2Call call)
    {
        var r = call.Request;
        var (page, next) = queries.Describe(
            call.State, r.StringList("InstanceId"), Ec2Filter.Parse(r), r.Int("MaxResults"), r.String("NextToken"));
        call.Xml.Items("reservationSet", page.GroupBy(v => v.Instance.ReservationId), g => xml.Reservation(call.Xml, g.Key, g));
        call.Xml.Element("nextToken", next);
    }

    private static void StateChanges(Ec2Call call, Func<EmulatorState, IReadOnlyList<string>, IReadOnlyList<InstanceStateChange>> change)
    {
        var changes = change(call.State, call.Request.StringList("InstanceId"));
        call.Xml.Items("instancesSet", changes, c =>
        {
            call.Xml.Element("instanceId", c.InstanceId);
            InstanceXml.InstanceState(call.Xml, "currentState", c.Current);
            InstanceXml.InstanceState(call.Xml, "previousState", c.Previous);
        });
    }

    private void DescribeInstanceStatus(Ec2Call call)
    {
        var r = call.Request;
        var (page, next) = queries.DescribeStatus(call.State, r.StringList("InstanceId"), Ec2Filter.Parse(r),
            r.Bool("IncludeAllInstances") ?? false, r.Int("MaxResults"), r.String("NextToken"));
        call.Xml.Items("instanceStatusSet", page, v => statusXml.Status(call.Xml, v));
        call.Xml.Element("nextToken", next);
    }

    /// <summary>Reads both forms: <c>DisableApiTermination.Value=true</c> and the older <c>Attribute=disableApiTermination&amp;Value=true</c>.</summary>
    private void ModifyInstanceAttribute(Ec2Call call)
    {
        var r = call.Request;
        var legacy = r.String("Attribute");
        var others = r.TopLevelNames.Where(n => !ModelledAttributes.Contains(n)).ToList();
        if (legacy is not null and not ("disableApiTermination" or "sourceDestCheck"))
        {
            others.Add(legacy);
        }

        attributes.Modify(call.State, new ModifyInstanceAttributeArgs(
            r.RequiredString("InstanceId"),
            r.List("BlockDeviceMapping").Select(b => new DeleteOnTerminationChange(
                b.String("DeviceName"), b.String("Ebs.VolumeId"), b.Bool("Ebs.DeleteOnTermination"))).ToList(),
            r.Bool("DisableApiTermination.Value") ?? (legacy == "disableApiTermination" ? r.Bool("Value") : null),
            r.Bool("SourceDestCheck.Value") ?? (legacy == "sourceDestCheck" ? r.Bool("Value") : null),
            others));
        call.Xml.Element("return", true);
    }
}
