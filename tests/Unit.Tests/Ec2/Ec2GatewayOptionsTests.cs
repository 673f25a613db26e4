using StatefulSpot.Grains.Ec2.Gateway;

namespace StatefulSpot.Unit.Tests.Ec2;

/// <summary>Each bad gateway option is refused at start-up with a message that names its key.</summary>
public sealed class Ec2GatewayOptionsTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        Assert.Empty(new Ec2GatewayOptions().Validate());
    }

    public static TheoryData<string, Action<Ec2GatewayOptions>> BadValues => new()
    {
        { "BudgetShare", o => o.BudgetShare = 0 },
        { "BudgetShare", o => o.BudgetShare = 1.5 },
        { "BudgetMultiplier", o => o.BudgetMultiplier = 0.5 },
        { "CoalesceWindow", o => o.CoalesceWindow = TimeSpan.FromSeconds(6) },
        { "MaxIdsPerCall", o => o.MaxIdsPerCall = 0 },
        { "MaxQueueWait", o => o.MaxQueueWait = TimeSpan.FromSeconds(30) },
        { "SiloCountRefresh", o => o.SiloCountRefresh = TimeSpan.Zero },
        { "ShareRefresh", o => o.ShareRefresh = TimeSpan.Zero },
        { "ShareRefresh", o => o.ShareRefresh = TimeSpan.FromMinutes(1) },
        { "ShareFloor", o => o.ShareFloor = -0.1 },
        { "ShareFloor", o => o.ShareFloor = double.NaN },
        { "Limits:RunInstances", o => o.Limits["RunInstances"] = new Ec2BucketLimit { Capacity = 0, RefillPerSecond = 2 } },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void BadValue_IsOneProblemNamingItsKey(string key, Action<Ec2GatewayOptions> spoil)
    {
        var options = new Ec2GatewayOptions();
        spoil(options);

        var problem = Assert.Single(options.Validate());
        Assert.StartsWith($"StatefulSpot:Ec2:{key} ", problem, StringComparison.Ordinal);
    }
}
