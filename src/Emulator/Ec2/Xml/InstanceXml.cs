using StatefulSpot.Emulator.Ec2.Model;

namespace StatefulSpot.Emulator.Ec2.Xml;

/// <summary>The Reservation / Instance shapes (RunInstances, DescribeInstances) and InstanceState.</summary>
internal sealed class InstanceXml(SharedXml shared)
{
    public void Reservation(Ec2XmlWriter x, string reservationId, IEnumerable<InstanceView> instances)
    {
        x.Element("reservationId", reservationId);
        x.Element("ownerId", shared.OwnerId);
        x.Empty("groupSet");
        x.Items("instancesSet", instances, v => Instance(x, v));
    }

    public static void InstanceState(Ec2XmlWriter x, string element, InstanceStateName state) => x.Struct(element, () =>
    {
        x.Element("code", (int)state);
        x.Element("name", state.ToWire());
    });

    public void Instance(Ec2XmlWriter x, InstanceView view)
    {
        var i = view.Instance;
        var terminated = i.State == InstanceStateName.Terminated;
        var privateIp = view.PrivateIpAddress;
        x.Element("instanceId", i.InstanceId);
        x.Element("imageId", i.ImageId);
        InstanceState(x, "instanceState", i.State);
        x.Element("privateDnsName", privateIp is null ? "" : shared.PrivateDnsName(privateIp));
        x.Element("dnsName", view.PublicIpAddress is { } publicIp && !terminated ? shared.PublicDnsName(publicIp) : "");
        x.Element("reason", i.StateTransitionReason);
        x.Element("keyName", i.KeyName);
        x.Element("amiLaunchIndex", i.AmiLaunchIndex);
        x.Empty("productCodes");
        x.Element("instanceType", i.InstanceType);
        x.Element("launchTime", i.LaunchTime);
        x.Struct("placement", () =>
        {
            x.Element("availabilityZone", i.AvailabilityZone);
            x.Element("availabilityZoneId", shared.ZoneIdOf(i.AvailabilityZone));
            x.Element("groupName", "");
            x.Element("tenancy", "default");
        });
        x.Struct("monitoring", () => x.Element("state", "disabled"));
        if (!terminated)
        {
            x.Element("subnetId", i.SubnetId);
            x.Element("vpcId", i.VpcId);
        }

        x.Element("privateIpAddress", privateIp);
        x.Element("ipAddress", terminated ? null : view.PublicIpAddress);
        x.Element("sourceDestCheck", view.PrimaryInterface?.SourceDestCheck ?? true);
        x.Items<string>("groupSet", terminated ? [] : i.SecurityGroupIds, g => shared.SecurityGroup(x, g));
        if (i.StateReasonCode is not null)
        {
            x.Struct("stateReason", () =>
            {
                x.Element("code", i.StateReasonCode);
                x.Element("message", i.StateReasonMessage);
            });
        }

        x.Element("architecture", "x86_64");
        x.Element("rootDeviceType", "ebs");
        x.Element("rootDeviceName", i.RootDeviceName);
        x.Items("blockDeviceMapping", view.Volumes, v =>
        {
            var a = v.Attachment!;
            x.Element("deviceName", a.Device);
            x.Struct("ebs", () =>
            {
                x.Element("volumeId", v.VolumeId);
                x.Element("status", a.State.ToWire());
                x.Element("attachTime", a.AttachTime);
                x.Element("deleteOnTermination", a.DeleteOnTermination);
            });
        });
        if (i.IsSpot)
        {
            x.Element("instanceLifecycle", "spot");
            x.Element("spotInstanceRequestId", i.SpotInstanceRequestId);
        }

        x.Element("virtualizationType", "hvm");
        x.Element("clientToken", i.ClientToken ?? "");
        x.Tags(i.Tags);
        x.Element("hypervisor", "xen");
        x.Items("networkInterfaceSet", view.Interfaces, n => InstanceInterface(x, n, view.State.AddressOf(n.NetworkInterfaceId)));
        x.Element("ebsOptimized", false);
        x.Element("enaSupport", true);
        var type = shared.InstanceType(i.InstanceType);
        x.Struct("cpuOptions", () =>
        {
            x.Element("coreCount", type?.CoreCount ?? 1);
            x.Element("threadsPerCore", type?.ThreadsPerCore ?? 2);
        });
        x.Struct("capacityReservationSpecification", () => x.Element("capacityReservationPreference", "open"));
        x.Struct("hibernationOptions", () => x.Element("configured", false));
        x.Struct("metadataOptions", () =>
        {
            x.Element("state", i.State == InstanceStateName.Pending ? "pending" : "applied");
            x.Element("httpTokens", "required");
            x.Element("httpPutResponseHopLimit", 2);
            x.Element("httpEndpoint", "enabled");
            x.Element("httpProtocolIpv6", "disabled");
            x.Element("instanceMetadataTags", "disabled");
        });
        x.Struct("enclaveOptions", () => x.Element("enabled", false));
        x.Element("platformDetails", "Linux/UNIX");
        x.Element("usageOperation", "RunInstances");
        x.Struct("maintenanceOptions", () => x.Element("autoRecovery", "default"));
        x.Element("currentInstanceBootMode", "legacy-bios");
    }

    private void InstanceInterface(Ec2XmlWriter x, NetworkInterface n, ElasticAddress? address)
    {
        var a = n.Attachment!;
        x.Element("networkInterfaceId", n.NetworkInterfaceId);
        x.Element("subnetId", n.SubnetId);
        x.Element("vpcId", n.VpcId);
        x.Element("description", n.Description);
        x.Element("ownerId", shared.OwnerId);
        x.Element("status", n.Status.ToWire());
        x.Element("macAddress", n.MacAddress);
        x.Element("privateIpAddress", n.PrivateIpAddress);
        x.Element("privateDnsName", shared.PrivateDnsName(n.PrivateIpAddress));
        x.Element("sourceDestCheck", n.SourceDestCheck);
        x.Items("groupSet", n.SecurityGroupIds, g => shared.SecurityGroup(x, g));
        shared.Association(x, address);
        x.Struct("attachment", () =>
        {
            x.Element("attachmentId", a.AttachmentId);
            x.Element("deviceIndex", a.DeviceIndex);
            x.Element("status", a.State.ToWire());
            x.Element("attachTime", a.AttachTime);
            x.Element("deleteOnTermination", a.DeleteOnTermination);
            x.Element("networkCardIndex", 0);
        });
        shared.PrivateAddresses(x, n, address);
        x.Empty("ipv6AddressesSet");
        x.Element("interfaceType", "interface");
    }
}
