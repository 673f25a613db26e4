using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StatefulSpot.Grains.Ec2.Gateway;

namespace StatefulSpot.Unit.Tests.Ec2;

public sealed class Ec2BudgetTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLiveSilos _silos = new();

    private Ec2Budget Budget(Ec2GatewayOptions options) => new(Options.Create(options), _silos, _time);

    [Theory]
    [InlineData("RunInstances", false, 5, 2)]
    [InlineData("TerminateInstances", false, 100, 5)]
    [InlineData("CreateVolume", false, 100, 5)]
    [InlineData("AttachVolume", false, 50, 5)]
    [InlineData("AssociateAddress", false, 50, 5)]
    [InlineData("AssignPrivateIpAddresses", false, 100, 5)]
    [InlineData("UnassignPrivateIpAddresses", false, 100, 5)]
    [InlineData("DescribeInstances", false, 100, 20)]
    [InlineData("DescribeVolumes", false, 100, 20)]
    [InlineData("DescribeInstances", true, 50, 10)]
    public void Size_WholeBudgetOfOneSilo_IsAwsDefaultBucket(string action, bool unfiltered, double capacity, double refill)
    {
        using var budget = Budget(new Ec2GatewayOptions { BudgetShare = 1 });

        Assert.Equal((capacity, refill), budget.Size(action, unfiltered));
        var bucket = budget.For(action, unfiltered);
        Assert.Equal(capacity, bucket.Capacity);
        Assert.Equal(refill, bucket.RefillPerSecond);
    }

    [Theory]
    [InlineData("RunInstances", false, 6.25, 2.5)]
    [InlineData("TerminateInstances", false, 125, 6.25)]
    [InlineData("AttachVolume", false, 62.5, 6.25)]
    [InlineData("DescribeInstances", false, 125, 25)]
    [InlineData("DescribeInstances", true, 62.5, 12.5)]
    public void Size_ShareAndMultiplier_DividedAcrossLiveSilos(string action, bool unfiltered, double capacity, double refill)
    {
        _silos.Count = 4;
        using var budget = Budget(new Ec2GatewayOptions { BudgetShare = 0.5, BudgetMultiplier = 10 });

        Assert.Equal((capacity, refill), budget.Size(action, unfiltered));
    }

    [Fact]
    public void Size_ShareSmallerThanOneCall_StillHoldsOneToken()
    {
        _silos.Count = 5;
        using var budget = Budget(new Ec2GatewayOptions { BudgetShare = 0.1 });

        var (capacity, refill) = budget.Size("RunInstances");

        Assert.Equal(1, capacity);
        Assert.Equal(0.04, refill, 10);
    }

    [Fact]
    public void Size_NoLiveSilosReported_CountsThisOne()
    {
        _silos.Count = 0;
        using var budget = Budget(new Ec2GatewayOptions { BudgetShare = 1 });

        Assert.Equal((5, 2), budget.Size("RunInstances"));
    }

    [Fact]
    public void Size_ConfiguredLimit_OverridesTheAwsDefaultBeforeTheShare()
    {
        var options = new Ec2GatewayOptions { BudgetShare = 0.5 };
        options.Limits["RunInstances"] = new Ec2BucketLimit { Capacity = 20, RefillPerSecond = 4 };
        options.Limits["DescribeInstances#unfiltered"] = new Ec2BucketLimit { Capacity = 200, RefillPerSecond = 40 };
        using var budget = Budget(options);

        Assert.Equal((10, 2), budget.Size("RunInstances"));
        Assert.Equal((100, 20), budget.Size("DescribeInstances", unfiltered: true));
        Assert.Equal((50, 10), budget.Size("DescribeInstances"));
        Assert.Equal((50, 2.5), budget.Size("TerminateInstances"));
    }

    [Fact]
    public void For_SameAction_IsOneBucketAndABareDescribeHasItsOwn()
    {
        using var budget = Budget(new Ec2GatewayOptions());

        Assert.Same(budget.For("DescribeInstances"), budget.For("DescribeInstances"));
        Assert.NotSame(budget.For("DescribeInstances"), budget.For("DescribeInstances", unfiltered: true));
        Assert.NotSame(budget.For("DescribeInstances"), budget.For("DescribeVolumes"));
    }

    [Fact]
    public void For_SiloCountChanged_RedividesAfterTheRefreshInterval()
    {
        using var budget = Budget(new Ec2GatewayOptions { BudgetShare = 1, SiloCountRefresh = TimeSpan.FromSeconds(10) });
        var run = budget.For("RunInstances");
        var bareDescribe = budget.For("DescribeInstances", unfiltered: true);

        _silos.Count = 2;
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(5, budget.For("RunInstances").Capacity);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Same(run, budget.For("RunInstances"));
        Assert.Equal(2.5, run.Capacity);
        Assert.Equal(1, run.RefillPerSecond);
        Assert.Equal(25, bareDescribe.Capacity);
        Assert.Equal(5, bareDescribe.RefillPerSecond);
        Assert.Equal((2.5, 1), budget.Size("RunInstances"));

        _silos.Count = 1;
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(100, budget.For("TerminateInstances").Capacity);
        Assert.Equal(5, run.Capacity);
    }

    [Fact]
    public async Task TakeDemand_CountsTokensTakenSinceTheLastReportAndTheWaiters()
    {
        using var budget = Budget(new Ec2GatewayOptions { BudgetShare = 1 });
        var run = budget.For("RunInstances");
        for (var i = 0; i < 5; i++)
        {
            await run.AcquireAsync(Ec2CallPriority.Recovery, 0, TimeSpan.FromSeconds(10), "RunInstances", CancellationToken.None);
        }

        var waiting = run.AcquireAsync(Ec2CallPriority.Recovery, 0, TimeSpan.FromSeconds(10), "RunInstances", CancellationToken.None);

        Assert.Equal(6, budget.TakeDemand()["RunInstances"]);
        _time.Advance(TimeSpan.FromSeconds(0.5));
        await waiting;
        Assert.Equal(1, budget.TakeDemand()["RunInstances"]);
        Assert.Equal(0, budget.TakeDemand()["RunInstances"]);
    }

    [Fact]
    public void ApplyShares_ResizesByTheFractionThenClearShares_TheEvenSplitAgain()
    {
        _silos.Count = 2;
        using var budget = Budget(new Ec2GatewayOptions { BudgetShare = 1 });
        var run = budget.For("RunInstances");
        Assert.Equal(1, run.RefillPerSecond);

        budget.ApplyShares(new Dictionary<string, double> { ["RunInstances"] = 0.95 });
        Assert.Equal(1.9, run.RefillPerSecond, 10);
        Assert.Equal(4.75, run.Capacity, 10);
        Assert.Equal(10, budget.For("DescribeInstances").RefillPerSecond);

        budget.ApplyShares(new Dictionary<string, double> { ["RunInstances"] = 0.05 });
        Assert.Equal(0.1, run.RefillPerSecond, 10);
        Assert.Equal(1, run.Capacity);

        budget.ClearShares();
        Assert.Equal(1, run.RefillPerSecond);
    }

    private sealed class FakeLiveSilos : ILiveSiloCount
    {
        public int Count { get; set; } = 1;
    }
}
