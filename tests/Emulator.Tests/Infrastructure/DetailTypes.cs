namespace StatefulSpot.Emulator.Tests.Infrastructure;

/// <summary>The EventBridge detail-types the tests expect on the event queue, spelled once.</summary>
internal static class DetailTypes
{
    public const string Warning = "EC2 Spot Instance Interruption Warning";
    public const string Rebalance = "EC2 Instance Rebalance Recommendation";
    public const string StateChange = "EC2 Instance State-change Notification";
}
