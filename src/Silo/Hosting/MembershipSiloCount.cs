using Orleans.Runtime;
using StatefulSpot.Grains.Ec2.Gateway;

namespace StatefulSpot.Silo.Hosting;

/// <summary>
/// The live silos, as Orleans' membership sees them, this one included even before it is active: the silos that
/// divide the account's EC2 budget.
/// </summary>
internal sealed class MembershipSiloCount(IClusterMembershipService membership, ILocalSiloDetails local) : ILiveSiloCount
{
    public int Count
    {
        get
        {
            var members = membership.CurrentSnapshot.Members;
            var active = members.Values.Count(m => m.Status == SiloStatus.Active);
            return members.TryGetValue(local.SiloAddress, out var self) && self.Status == SiloStatus.Active ? active : active + 1;
        }
    }
}
