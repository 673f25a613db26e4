using Microsoft.Extensions.DependencyInjection;
using StatefulSpot.Cluster.Tests.Recovery;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Cluster.Tests.Delivery;

/// <summary>A cluster whose managed-instance grains refuse the first interruption notice each one is given.</summary>
public sealed class FailFirstNoticeClusterFixture : StatefulSpotClusterFixture
{
    public FailFirstNotice Filter { get; } = new();

    protected override void ConfigureSilo(ISiloBuilder silo) => silo.Services.AddSingleton<IIncomingGrainCallFilter>(Filter);

    public sealed class FailFirstNotice : IIncomingGrainCallFilter
    {
        private readonly HashSet<string> _failed = [];

        public int Failures { get; private set; }

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name == nameof(IManagedInstanceGrain.AcceptNoticeAsync)
                && context.Request.GetArgument(0) is Ec2Event { Kind: Ec2EventKind.SpotInterruptionWarning } notice)
            {
                lock (_failed)
                {
                    if (_failed.Add(notice.EventId))
                    {
                        Failures++;
                        throw new TimeoutException("test: the first delivery of this notice fails");
                    }
                }
            }

            return context.Invoke();
        }
    }
}

/// <summary>A notice whose handling fails once is delivered again, and handled exactly once.</summary>
public sealed class FailOnceDeliveryTests(FailFirstNoticeClusterFixture fixture) : IClassFixture<FailFirstNoticeClusterFixture>
{
    [Fact]
    public async Task NoticeWhoseHandlingFailsOnce_IsRedeliveredAndRecoversOnce()
    {
        var active = await fixture.CreateActiveAsync(InterruptionRecoveryTests.DatabaseSpec(persistPrivateIp: false));

        await fixture.Emulator.InterruptAsync(active.InstanceId!);
        var recovered = await fixture.WaitForNextGenerationAsync(active);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var settled = await fixture.Client.GetAsync(active.Id);

        Assert.Equal(1, fixture.Filter.Failures);
        Assert.Equal(ManagedInstanceStatus.Active, recovered.Status);
        Assert.Equal(OperationTrigger.SpotInterruption, recovered.History.Last().Trigger);
        Assert.Equal(active.Generation + 1, settled!.Generation);
        Assert.Single(await fixture.LiveInstancesAsync(active.Id));
    }
}
