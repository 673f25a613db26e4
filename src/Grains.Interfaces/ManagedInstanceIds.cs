using System.Text.RegularExpressions;

namespace StatefulSpot.Grains.Interfaces;

/// <summary>
/// The shape of a managed-instance id: <c>smi-</c> and 8 to 17 lowercase hexadecimal digits, as EC2 shapes its own ids.
/// Checked before an id becomes a grain key (a storage key, a client token, a tag value), so that nothing reaches
/// storage or EC2 with an id they would refuse.
/// </summary>
public static partial class ManagedInstanceIds
{
    /// <summary>Null when <paramref name="id"/> is a managed-instance id, else a sentence that says what to fix.</summary>
    public static string? Problem(string? id) => id is not null && Pattern().IsMatch(id)
        ? null
        : $"'{Printable(id)}' is not a managed-instance id; use smi- and 8 to 17 lowercase hexadecimal digits (smi-0123abcd).";

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when <paramref name="id"/> is not a managed-instance id.</summary>
    public static string Require(string? id) => Problem(id) is { } problem ? throw new ArgumentException(problem, nameof(id)) : id!;

    /// <summary>
    /// For calls on an existing managed instance: an id an older build may have created (any text) passes, but not one
    /// no storage could hold (empty, over 128 characters, a control character or a '/'). New ids go through <see cref="Require"/>.
    /// </summary>
    public static string RequireUsable(string? id) =>
        id is { Length: > 0 and <= 128 } && !id.Any(c => char.IsControl(c) || c == '/')
            ? id
            : throw new ArgumentException($"'{Printable(id)}' cannot be a managed-instance id; ids are smi- and 8 to 17 lowercase hexadecimal digits.", nameof(id));

    /// <summary>A bounded, printable rendering of untrusted text for a message.</summary>
    public static string Printable(string? text) => text is null
        ? "(null)"
        : string.Concat(text.Take(64).Select(c => char.IsControl(c) ? '?' : c)) + (text.Length > 64 ? "…" : "");

    [GeneratedRegex(@"^smi-[0-9a-f]{8,17}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
