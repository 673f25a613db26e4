using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Query;
using StatefulSpot.Emulator.Ec2.Xml;

namespace StatefulSpot.Emulator.Ec2.Actions;

/// <summary>What an EC2 action gets: the parsed request, the world (inside the lock) and the response writer.</summary>
internal sealed record Ec2Call(QueryNode Request, EmulatorState State, Ec2XmlWriter Xml);

/// <summary>One EC2 action: reads the request, applies the rules, writes the response elements after <c>requestId</c>.</summary>
internal delegate void Ec2Action(Ec2Call call);

/// <summary>An action and whether it changes the world (read-only actions do not trigger a state-file save).</summary>
internal sealed record Ec2ActionEntry(Ec2Action Handler, bool Mutates);

/// <summary>The Action name to handler map the Query dispatcher routes on.</summary>
internal sealed class Ec2ActionTable
{
    private readonly Dictionary<string, Ec2ActionEntry> _actions = new(StringComparer.Ordinal);

    public Ec2ActionTable Mutating(string name, Ec2Action handler)
    {
        _actions[name] = new Ec2ActionEntry(handler, Mutates: true);
        return this;
    }

    public Ec2ActionTable ReadOnly(string name, Ec2Action handler)
    {
        _actions[name] = new Ec2ActionEntry(handler, Mutates: false);
        return this;
    }

    public Ec2ActionEntry? Find(string name) => _actions.GetValueOrDefault(name);
}
