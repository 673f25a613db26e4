using StatefulSpot.Grains.ManagedInstances;

namespace StatefulSpot.Unit.Tests.ManagedInstances;

public sealed class SubnetAddressesTests
{
    [Theory]
    [InlineData("10.0.1.0/24", "10.0.1.4", true)]
    [InlineData("10.0.1.0/24", "10.0.1.254", true)]
    [InlineData("10.0.1.0/24", "10.0.1.3", false)]
    [InlineData("10.0.1.0/24", "10.0.1.0", false)]
    [InlineData("10.0.1.0/24", "10.0.1.255", false)]
    [InlineData("10.0.1.0/24", "10.0.2.10", false)]
    [InlineData("10.0.0.0/16", "10.0.200.7", true)]
    [InlineData("10.0.1.0/24", "not-an-ip", false)]
    [InlineData(null, "10.0.1.10", false)]
    public void IsAssignable_ExcludesTheReservedAddressesAndOutsiders(string? cidr, string address, bool expected) =>
        Assert.Equal(expected, SubnetAddresses.IsAssignable(cidr, address));
}
