namespace StatefulSpot.Emulator.Core;

/// <summary>Generates ids shaped like real AWS ids: a prefix and 17 lowercase hex digits.</summary>
internal static class ResourceIds
{
    private const string Hex = "0123456789abcdef";

    public const string Instance = "i";
    public const string Reservation = "r";
    public const string Volume = "vol";
    public const string NetworkInterface = "eni";
    public const string NetworkInterfaceAttachment = "eni-attach";
    public const string SpotInstanceRequest = "sir";

    public static string New(string prefix) => prefix + "-" + RandomHex(17);

    /// <summary>A locally administered unicast MAC address like EC2 hands out (0a:xx:xx:xx:xx:xx).</summary>
    public static string MacAddress()
    {
        Span<byte> bytes = stackalloc byte[5];
        Random.Shared.NextBytes(bytes);
        return "0a:" + string.Join(':', bytes.ToArray().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static string RandomHex(int length) => string.Create(length, 0, static (span, _) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = Hex[Random.Shared.Next(16)];
        }
    });
}
