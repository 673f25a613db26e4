namespace StatefulSpot.Grains.ManagedInstances.Saga.Steps;

/// <summary>The volumes a sweep of untracked volumes must leave: those kept, and the current and previous root.</summary>
public static class Tracked
{
    public static IReadOnlySet<string> Ids(ManagedInstanceState state, IEnumerable<string> keep) =>
        keep.Append(state.RootVolumeId).Append(state.StaleRootVolumeId).OfType<string>().ToHashSet(StringComparer.Ordinal);
}
