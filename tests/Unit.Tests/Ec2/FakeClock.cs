using Microsoft.Extensions.Time.Testing;

namespace StatefulSpot.Unit.Tests.Ec2;

/// <summary>
/// Drives code that waits on a <see cref="FakeTimeProvider"/> from the thread pool: the clock moves only when a test
/// says so, and between steps the pool gets a moment to run what the step released. Every loop is bounded by a number
/// of iterations, never by real time.
/// </summary>
internal static class FakeClock
{
    private const int MaxSettleRounds = 2_000;

    /// <summary>Advances the clock by <paramref name="step"/> until <paramref name="task"/> has completed, then awaits it.</summary>
    public static async Task<T> AdvanceUntilDoneAsync<T>(this FakeTimeProvider time, Task<T> task, TimeSpan step, int maxSteps = 400)
    {
        await time.AdvanceUntilAsync(() => task.IsCompleted, step, maxSteps);
        return await task;
    }

    /// <summary>Advances the clock by <paramref name="step"/> until <paramref name="done"/> holds.</summary>
    public static async Task AdvanceUntilAsync(this FakeTimeProvider time, Func<bool> done, TimeSpan step, int maxSteps = 400)
    {
        for (var steps = 0; ; steps++)
        {
            // Let the work that the last step released reach its next wait on the clock (or finish) before moving again.
            for (var round = 0; round < 3 && !done(); round++)
            {
                await Task.Delay(1);
            }

            if (done())
            {
                return;
            }

            if (steps == maxSteps)
            {
                throw new InvalidOperationException($"Still not done after advancing the fake clock {maxSteps} times by {step}.");
            }

            time.Advance(step);
        }
    }

    /// <summary>Waits, without moving the clock, until <paramref name="done"/> holds (work already released finishing on the pool).</summary>
    public static async Task EventuallyAsync(Func<bool> done)
    {
        for (var round = 0; !done(); round++)
        {
            if (round == MaxSettleRounds)
            {
                throw new InvalidOperationException("The condition did not hold without moving the fake clock.");
            }

            await Task.Delay(1);
        }
    }

    /// <summary>Gives the thread pool a few moments, without moving the clock, so that a wrong early completion would show.</summary>
    public static async Task SettleAsync()
    {
        for (var round = 0; round < 10; round++)
        {
            await Task.Delay(1);
        }
    }
}
