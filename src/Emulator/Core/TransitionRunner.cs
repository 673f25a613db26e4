using StatefulSpot.Emulator.Ec2.Operations;

namespace StatefulSpot.Emulator.Core;

/// <summary>Applies a due <see cref="ScheduledTransition"/> to the world by handing it to the resource's state machine.</summary>
internal sealed class TransitionRunner(InstanceOperations instances)
{
    public void Apply(EmulatorState state, ScheduledTransition transition)
    {
        switch (transition.Kind)
        {
            case TransitionKind.InstanceRunning:
                instances.OnRunning(state, transition.ResourceId);
                break;
            case TransitionKind.InstanceInterruptionAction:
                instances.OnInterruptionAction(state, transition.ResourceId);
                break;
            case TransitionKind.InstanceTerminated:
                instances.OnTerminated(state, transition.ResourceId);
                break;
            case TransitionKind.VolumeAvailable:
                VolumeOperations.OnCreated(state, transition.ResourceId);
                break;
            case TransitionKind.VolumeAttached:
                VolumeOperations.OnAttached(state, transition.ResourceId, transition.Reference);
                break;
            case TransitionKind.VolumeDetached:
                VolumeOperations.OnDetached(state, transition.ResourceId, transition.Reference);
                break;
            case TransitionKind.NetworkInterfaceAvailable:
                NetworkInterfaceOperations.OnCreated(state, transition.ResourceId);
                break;
            default:
                throw new InvalidOperationException($"Unknown transition kind {transition.Kind}.");
        }
    }
}
