using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Grains.ManagedInstances.Saga;

/// <summary>What became of one execution of a step.</summary>
public enum StepOutcome
{
    /// <summary>The step finished; its state is persisted with the cursor moved to the next step.</summary>
    Done = 0,

    /// <summary>The step waits for EC2 (or an event); nothing is persisted, the step runs again later.</summary>
    Wait = 1,

    /// <summary>The state is persisted as it is and the same step runs again at once: a cursor written before a side effect.</summary>
    Checkpoint = 2,

    /// <summary>The step failed: retried with back-off, or an Error; the state it carries (if any) is persisted with the failure.</summary>
    Failed = 3,
}

/// <summary>
/// A step's answer to the grain, which alone persists state: <see cref="Done"/>, <see cref="Wait"/> (on something
/// it polls, or <see cref="WaitForInstance"/> on an event), <see cref="Checkpoint"/> (persist, then run me again), or
/// <see cref="Fail"/> (an exception to retry or fail on, with the state to remember meanwhile).
/// </summary>
public readonly record struct StepResult
{
    private StepResult(StepOutcome outcome, ManagedInstanceState? state, string? waitingFor, WaitKind waitKind, Exception? failure)
    {
        Outcome = outcome;
        State = state;
        WaitingFor = waitingFor;
        WaitKind = waitKind;
        Failure = failure;
    }

    public StepOutcome Outcome { get; }

    /// <summary>The state to persist (Done, Checkpoint; optionally Failed or a wait that learnt something); null for most waits.</summary>
    public ManagedInstanceState? State { get; }

    public string? WaitingFor { get; }

    public WaitKind WaitKind { get; }

    public Exception? Failure { get; }

    public static StepResult Done(ManagedInstanceState state) => new(StepOutcome.Done, state, null, WaitKind.Poll, null);

    public static StepResult Wait(string what) => new(StepOutcome.Wait, null, what, WaitKind.Poll, null);

    /// <summary>
    /// Waits for an instance's state, which an EC2 state-change event reports: a slow poll is only the fallback. A
    /// <paramref name="state"/>, when given, is what the wait learnt (when the instance it waits on stopped serving): persisted first.
    /// </summary>
    public static StepResult WaitForInstance(string what, ManagedInstanceState? state = null) => new(StepOutcome.Wait, state, what, WaitKind.InstanceState, null);

    /// <summary>Waits for the old instance, which runs until the drain deadline: the step looks again at the deadline (or on an event).</summary>
    public static StepResult WaitForDrainDeadline(string what) => new(StepOutcome.Wait, null, what, WaitKind.DrainDeadline, null);

    /// <summary>Persist <paramref name="state"/> (same step), then run the step again at once.</summary>
    public static StepResult Checkpoint(ManagedInstanceState state) => new(StepOutcome.Checkpoint, state, null, WaitKind.Poll, null);

    /// <summary>
    /// The step failed with <paramref name="failure"/> (retried unless it is a <see cref="SagaStepFailedException"/> or
    /// not retryable); <paramref name="state"/>, when given, is persisted with the retry or the error.
    /// </summary>
    public static StepResult Fail(Exception failure, ManagedInstanceState? state = null) => new(StepOutcome.Failed, state, null, WaitKind.Poll, failure);
}

/// <summary>A step failed in a way retrying cannot fix.</summary>
public sealed class SagaStepFailedException(string message) : Exception(message);
