using StatefulSpot.Emulator.Core;

namespace StatefulSpot.Emulator.Tests.Core;

public sealed class WorldGateTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Read_WhileAnotherReadIsInside_RunsConcurrently()
    {
        var gate = new WorldGate(new EmulatorState());
        using var firstInside = new ManualResetEventSlim();
        using var secondInside = new ManualResetEventSlim();

        // Each read waits inside the gate for the other: only concurrent reads get both past their Wait.
        var first = Task.Run(() => gate.Read(_ =>
        {
            firstInside.Set();
            return secondInside.Wait(Patience);
        }));
        var second = Task.Run(() => gate.Read(_ =>
        {
            secondInside.Set();
            return firstInside.Wait(Patience);
        }));

        var both = await Task.WhenAll(first, second);
        Assert.All(both, Assert.True);
    }

    [Fact]
    public async Task Write_WhileAReadIsInside_WaitsForTheRead()
    {
        var gate = new WorldGate(new EmulatorState());
        using var readInside = new ManualResetEventSlim();
        using var releaseRead = new ManualResetEventSlim();
        var log = new List<string>();

        var read = Task.Run(() => gate.Read(_ =>
        {
            readInside.Set();
            releaseRead.Wait(Patience);
            lock (log)
            {
                log.Add("read done");
            }

            return true;
        }));
        Assert.True(readInside.Wait(Patience));
        var write = Task.Run(() => gate.Write(_ =>
        {
            lock (log)
            {
                log.Add("write");
            }
        }));

        var finishedFirst = await Task.WhenAny(write, Task.Delay(TimeSpan.FromMilliseconds(200)));
        Assert.NotSame(write, finishedFirst);
        releaseRead.Set();
        await Task.WhenAll(read, write);
        Assert.Equal(["read done", "write"], log);
    }

    [Fact]
    public void Write_RaisesChangedInsideTheWrite()
    {
        var gate = new WorldGate(new EmulatorState());
        var changes = 0;
        gate.Changed += _ => changes++;

        gate.Write(_ => { });
        gate.Read(_ => 0);
        gate.Write(_ => 1, changed: _ => false);

        Assert.Equal(1, changes);
    }
}
