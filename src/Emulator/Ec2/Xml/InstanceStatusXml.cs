using StatefulSpot.Emulator.Ec2.Operations;

namespace StatefulSpot.Emulator.Ec2.Xml;

/// <summary>The InstanceStatus shape (DescribeInstanceStatus).</summary>
internal sealed class InstanceStatusXml(SharedXml shared)
{
    public void Status(Ec2XmlWriter x, InstanceStatusView v)
    {
        var i = v.Instance;
        x.Element("instanceId", i.InstanceId);
        x.Element("availabilityZone", i.AvailabilityZone);
        x.Element("availabilityZoneId", shared.ZoneIdOf(i.AvailabilityZone));
        x.Items("eventsSet", i.ScheduledEvents, e =>
        {
            x.Element("instanceEventId", e.InstanceEventId);
            x.Element("code", e.Code);
            x.Element("description", e.Description);
            x.Element("notBefore", e.NotBefore);
            x.Element("notAfter", e.NotAfter);
        });
        InstanceXml.InstanceState(x, "instanceState", i.State);
        Summary(x, "systemStatus", v.SystemStatus);
        Summary(x, "instanceStatus", v.InstanceStatus);
        Summary(x, "attachedEbsStatus", v.InstanceStatus);
    }

    private static void Summary(Ec2XmlWriter x, string element, string status) => x.Struct(element, () =>
    {
        x.Element("status", status);
        x.Items<string>("details", status == "ok" ? ["passed"] : status == "not-applicable" ? [] : [status], detail =>
        {
            x.Element("name", "reachability");
            x.Element("status", detail);
        });
    });
}
