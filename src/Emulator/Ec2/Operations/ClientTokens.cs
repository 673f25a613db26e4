using StatefulSpot.Emulator.Ec2.Model;

namespace StatefulSpot.Emulator.Ec2.Operations;

/// <summary>
/// ClientToken idempotency (aws-wire.md 2.6): the same token with the same parameters returns the original result;
/// with different parameters it is <c>IdempotentParameterMismatch</c>. Only a successful call records its token.
/// </summary>
internal static class ClientTokens
{
    /// <summary>The resources created by an earlier call with this token, or null when the token is new (or absent).</summary>
    public static IReadOnlyList<string>? Replay(Ec2State state, string action, string? token, string fingerprint)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        if (token.Length > 64)
        {
            throw Ec2Errors.InvalidParameterValue("The client token must be 64 characters or less.");
        }

        if (!state.ClientTokens.TryGetValue(Key(action, token), out var record))
        {
            return null;
        }

        return record.Fingerprint == fingerprint ? record.ResourceIds : throw Ec2Errors.IdempotentParameterMismatch();
    }

    public static void Record(Ec2State state, string action, string? token, string fingerprint, IReadOnlyList<string> resourceIds)
    {
        if (!string.IsNullOrEmpty(token))
        {
            state.ClientTokens[Key(action, token)] = new IdempotencyRecord(fingerprint, resourceIds);
        }
    }

    private static string Key(string action, string token) => action + ":" + token;
}
