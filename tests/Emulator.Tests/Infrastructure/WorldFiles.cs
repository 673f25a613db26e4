namespace StatefulSpot.Emulator.Tests.Infrastructure;

/// <summary>World files for tests.</summary>
public static class WorldFiles
{
    /// <summary>One zone with a /17 subnet (32 000 addresses), room for the 1000-instance resource bucket.</summary>
    public const string BigSubnet = """
        {
          "vpc": { "vpcId": "vpc-0b16b16b16b16b160", "cidr": "10.16.0.0/16", "securityGroupId": "sg-0b16b16b16b16b160" },
          "zones": [ { "name": "{region}a", "zoneId": "{regionCode}-az1" } ],
          "subnets": [ { "subnetId": "subnet-0b16b16b16b16b160", "zone": "{region}a", "cidr": "10.16.0.0/17" } ],
          "instanceTypes": [ { "name": "m5.large", "vCpus": 2, "memoryMiB": 8192, "onDemandPrice": 0.096, "spotPrice": 0.04 } ],
          "images": [ { "imageId": "ami-0123456789abcdef0", "name": "default", "rootSnapshotId": "snap-0123456789abcdef0" } ]
        }
        """;

    /// <summary>Two zones, tagged subnets, a per-zone Spot price, pools with capacity, one own image, 2 Elastic IPs.</summary>
    public const string Custom = """
        // A custom world.
        {
          "region": "eu-west-1",
          "vpc": { "vpcId": "vpc-0c0c0c0c0c0c0c0c0", "cidr": "172.31.0.0/16", "securityGroupId": "sg-0c0c0c0c0c0c0c0c0" },
          "zones": [
            { "name": "{region}a", "zoneId": "{regionCode}-az1" },
            { "name": "{region}b", "zoneId": "{regionCode}-az2" },
          ],
          "subnets": [
            { "subnetId": "subnet-0c0c0c0c0c0c0c0c1", "zone": "{region}a", "cidr": "172.31.0.0/20", "tags": { "Name": "public-a" } },
            { "subnetId": "subnet-0c0c0c0c0c0c0c0c2", "zone": "{region}b", "cidr": "172.31.16.0/20" },
            { "subnetId": "subnet-0c0c0c0c0c0c0c0c3", "zone": "{region}b", "cidr": "172.31.32.0/28" }
          ],
          "instanceTypes": [ { "name": "c6i.large", "vCpus": 2, "memoryMiB": 4096, "onDemandPrice": 0.085, "spotPrice": 0.03 } ],
          "spotPrices": [ { "instanceType": "c6i.large", "zone": "{region}b", "price": 0.0321 } ],
          "images": [ { "imageId": "ami-0c0c0c0c0c0c0c0c0", "name": "golden", "ownerAlias": null, "rootSnapshotId": "snap-0c0c0c0c0c0c0c0c0", "rootVolumeSize": 12 } ],
          "capacity": { "default": 5, "pools": [ { "instanceType": "c6i.large", "zone": "{region}a", "market": "spot", "instances": 1 } ] },
          "elasticIps": { "limit": 2, "publicCidr": "203.0.113.0/24" }
        }
        """;
}
