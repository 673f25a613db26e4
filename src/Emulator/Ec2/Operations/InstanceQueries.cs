using System.Globalization;
using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Model;
using StatefulSpot.Emulator.Ec2.Query;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>One instance's health as DescribeInstanceStatus reports it.</summary>
internal sealed record InstanceStatusView(Instance Instance, string InstanceStatus, string SystemStatus);

/// <summary>DescribeInstances and DescribeInstanceStatus: ids, filters, pagination.</summary>
internal sealed class InstanceQueries(Ec2Context ctx)
{
    public static FilterFields<InstanceView> Filters { get; } = new FilterFields<InstanceView>(v => v.Instance.Tags)
        .Add("instance-id", v => v.Instance.InstanceId)
        .Add("instance-state-name", v => v.Instance.State.ToWire())
        .Add("instance-state-code", v => ((int)v.Instance.State).ToString(CultureInfo.InvariantCulture))
        .Add("instance-type", v => v.Instance.InstanceType)
        .Add("image-id", v => v.Instance.ImageId)
        .Add("availability-zone", v => v.Instance.AvailabilityZone)
        .Add("subnet-id", v => v.Instance.SubnetId)
        .Add("vpc-id", v => v.Instance.VpcId)
        .Add("private-ip-address", v => v.PrivateIpAddress) // the primary interface's primary address only, as in EC2
        .Add("ip-address", v => v.PublicIpAddress)
        .Add("instance-lifecycle", v => v.Instance.IsSpot ? "spot" : null)
        .Add("spot-instance-request-id", v => v.Instance.SpotInstanceRequestId)
        .Add("reservation-id", v => v.Instance.ReservationId)
        .Add("client-token", v => v.Instance.ClientToken)
        .Add("key-name", v => v.Instance.KeyName)
        .Add("launch-index", v => v.Instance.AmiLaunchIndex.ToString(CultureInfo.InvariantCulture))
        .Add("root-device-name", v => v.Instance.RootDeviceName)
        .Add("state-reason-code", v => v.Instance.StateReasonCode)
        .AddMany("instance.group-id", v => v.Instance.SecurityGroupIds)
        .AddMany("network-interface.network-interface-id", v => v.Interfaces.Select(n => n.NetworkInterfaceId))
        .AddMany("network-interface.private-ip-address", v => v.Interfaces.Select(n => n.PrivateIpAddress))
        .AddMany("network-interface.addresses.private-ip-address", v => v.Interfaces.SelectMany(n => n.PrivateIpAddresses))
        .AddMany("network-interface.attachment.delete-on-termination", v => v.Interfaces.Select(n => n.Attachment!.DeleteOnTermination ? "true" : "false"))
        .AddMany("block-device-mapping.volume-id", v => v.Volumes.Select(x => x.VolumeId))
        .AddMany("block-device-mapping.device-name", v => v.Volumes.Select(x => x.Attachment!.Device))
        .AddMany("block-device-mapping.status", v => v.Volumes.Select(x => x.Attachment!.State.ToWire()))
        .AddMany("block-device-mapping.delete-on-termination", v => v.Volumes.Select(x => x.Attachment!.DeleteOnTermination ? "true" : "false"));

    public static FilterFields<InstanceStatusView> StatusFilters { get; } = new FilterFields<InstanceStatusView>()
        .Add("availability-zone", v => v.Instance.AvailabilityZone)
        .Add("instance-state-name", v => v.Instance.State.ToWire())
        .Add("instance-state-code", v => ((int)v.Instance.State).ToString(CultureInfo.InvariantCulture))
        .Add("instance-status.status", v => v.InstanceStatus)
        .Add("instance-status.reachability", v => Reachability(v.InstanceStatus))
        .Add("system-status.status", v => v.SystemStatus)
        .Add("system-status.reachability", v => Reachability(v.SystemStatus))
        .AddMany("event.code", v => v.Instance.ScheduledEvents.Select(e => e.Code))
        .AddMany("event.description", v => v.Instance.ScheduledEvents.Select(e => e.Description))
        .AddMany("event.instance-event-id", v => v.Instance.ScheduledEvents.Select(e => e.InstanceEventId));

    public (IReadOnlyList<InstanceView> Page, string? NextToken) Describe(
        EmulatorState state, IReadOnlyList<string> ids, IReadOnlyList<Ec2Filter> filters, int? maxResults, string? nextToken)
    {
        if (ids.Count > 0 && maxResults is not null)
        {
            throw Ec2Errors.InvalidParameterCombination("The parameter instancesSet cannot be used with the parameter maxResults");
        }

        var matches = Filters.Compile(filters);
        if (ids.Count > 0)
        {
            var found = ctx.Lookup.Instances(state, ids).Select(i => new InstanceView(i, state.Ec2)).Where(matches).OrderBy(v => v.Instance.Sequence).ToList();
            return Pagination.Apply(found, maxResults, nextToken, 5, 1000);
        }

        var visible = ctx.Lookup.VisibleNow();
        var (page, next) = Pagination.Ordered(
            state.Ec2.Instances.Values, i => i.Sequence, i => visible(i.LaunchTime) && matches(new InstanceView(i, state.Ec2)),
            maxResults, nextToken, 5, 1000);
        return (page.Select(i => new InstanceView(i, state.Ec2)).ToList(), next);
    }

    /// <summary>Running instances only unless <paramref name="includeAll"/>; ids of instances in other states are skipped, not errors.</summary>
    public (IReadOnlyList<InstanceStatusView> Page, string? NextToken) DescribeStatus(
        EmulatorState state, IReadOnlyList<string> ids, IReadOnlyList<Ec2Filter> filters, bool includeAll, int? maxResults, string? nextToken)
    {
        var matches = StatusFilters.Compile(filters);
        var candidates = ids.Count > 0 ? ctx.Lookup.Instances(state, ids) : state.Ec2.Instances.Values.Where(ctx.Lookup.IsVisible);
        var all = candidates
            .Where(i => includeAll ? i.State != InstanceStateName.Terminated : i.State == InstanceStateName.Running)
            .OrderBy(i => i.Sequence)
            .Select(i => i.State == InstanceStateName.Running
                ? new InstanceStatusView(i, "ok", "ok")
                : new InstanceStatusView(i, "not-applicable", "not-applicable"))
            .Where(matches)
            .ToList();
        return Pagination.Apply(all, maxResults, nextToken, 5, 1000);
    }

    private static string Reachability(string status) => status == "ok" ? "passed" : status;
}
