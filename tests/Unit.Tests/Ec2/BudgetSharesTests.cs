using StatefulSpot.Grains.Ec2.Gateway;

namespace StatefulSpot.Unit.Tests.Ec2;

public sealed class BudgetSharesTests
{
    private static Dictionary<string, IReadOnlyDictionary<string, double>> Reports(params (string Silo, double RunInstances)[] silos) =>
        silos.ToDictionary(s => s.Silo, s => (IReadOnlyDictionary<string, double>)new Dictionary<string, double> { ["RunInstances"] = s.RunInstances });

    [Fact]
    public void For_NobodyWantsTheBucket_SplitsItEvenly()
    {
        var shares = BudgetShares.For("a", Reports(("a", 0), ("b", 0), ("c", 0), ("d", 0)), floor: 0.1);

        Assert.Equal(0.25, shares["RunInstances"], 10);
    }

    [Fact]
    public void For_OneSiloHoldsTheWork_GetsAllButTheFloorOfTheOthers()
    {
        var reports = Reports(("busy", 500), ("idle", 0));

        Assert.Equal(0.95, BudgetShares.For("busy", reports, floor: 0.1)["RunInstances"], 10);
        Assert.Equal(0.05, BudgetShares.For("idle", reports, floor: 0.1)["RunInstances"], 10);
    }

    [Fact]
    public void For_DemandOnBothSilos_InProportionAndTheSharesAddUpToTheWhole()
    {
        var reports = Reports(("a", 30), ("b", 10));

        var a = BudgetShares.For("a", reports, floor: 0.2)["RunInstances"];
        var b = BudgetShares.For("b", reports, floor: 0.2)["RunInstances"];

        Assert.Equal(0.1 + (0.8 * 0.75), a, 10);
        Assert.Equal(0.1 + (0.8 * 0.25), b, 10);
        Assert.Equal(1, a + b, 10);
    }

    [Fact]
    public void For_BucketOnlyAnotherSiloUses_IsSharedToo()
    {
        var reports = new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            ["a"] = new Dictionary<string, double>(),
            ["b"] = new Dictionary<string, double> { ["AttachVolume"] = 4 },
        };

        Assert.Equal(0.05, BudgetShares.For("a", reports, floor: 0.1)["AttachVolume"], 10);
    }

    [Fact]
    public void For_SiloWithoutItsOwnReport_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => BudgetShares.For("x", Reports(("a", 1)), floor: 0.1));
    }
}
