using Orleans.Runtime;
using StatefulSpot.Grains.Ec2.Gateway;

namespace StatefulSpot.Silo.Hosting;

/// <summary>The live silos, as Orleans' membership sees them: the silos that divide the account's EC2 budget.</summary>
internal sealed class MembershipSiloCount(IClusterMembershipService membership) : ILiveSiloCount
{
    public int Count => membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
}
