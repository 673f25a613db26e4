using StatefulSpot.Emulator.Ec2.Operations;

namespace StatefulSpot.Emulator.Core;

/// <summary>Applies a due <see cref="ScheduledTransition"/> to the world by handing it to the resource's state machine.</summary>
internal sealed class TransitionRunner(InstanceOperations instances, SpotOperations spot, ImageOperations images)
{
    public void Apply(EmulatorState state, ScheduledTransition transition)
    {
        var id = transition.ResourceId;
        switch (transition.Kind)
        {
            case TransitionKind.InstanceRunning:
                if (instances.OnRunning(state, id) is { } running)
                {
                    spot.OnInstanceRunning(state, running);
                }

                break;
            case TransitionKind.InstanceInterruptionAction:
                instances.OnInterruptionAction(state, id);
                break;
            case TransitionKind.InstanceTerminated:
                instances.OnTerminated(state, id);
                break;
            case TransitionKind.InstanceStopped:
                instances.OnStopped(state, id);
                break;
            case TransitionKind.ScheduledInterruptionWarning:
                spot.OnScheduledWarning(state, id);
                break;
            case TransitionKind.VolumeAvailable:
                VolumeOperations.OnCreated(state, id);
                break;
            case TransitionKind.VolumeAttached:
                VolumeOperations.OnAttached(state, id, transition.Reference);
                break;
            case TransitionKind.VolumeDetached:
                VolumeOperations.OnDetached(state, id, transition.Reference);
                break;
            case TransitionKind.NetworkInterfaceAvailable:
                NetworkInterfaceOperations.OnCreated(state, id);
                break;
            case TransitionKind.NetworkInterfaceAttached:
                NetworkInterfaceAttachmentOperations.OnAttached(state, id, transition.Reference);
                break;
            case TransitionKind.NetworkInterfaceDetached:
                NetworkInterfaceAttachmentOperations.OnDetached(state, id, transition.Reference);
                break;
            case TransitionKind.SnapshotCompleted:
                SnapshotOperations.OnCompleted(state, id);
                break;
            case TransitionKind.ImageAvailable:
                images.OnAvailable(state, id);
                break;
            default:
                throw new InvalidOperationException($"Unknown transition kind {transition.Kind}.");
        }
    }
}
