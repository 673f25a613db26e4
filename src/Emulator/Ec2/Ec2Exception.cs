namespace StatefulSpot.Emulator.Ec2;

/// <summary>An EC2 API error: answered as the EC2 error envelope with <see cref="StatusCode"/>.</summary>
internal sealed class Ec2Exception(string code, string message, int statusCode = 400) : Exception(message)
{
    public string Code { get; } = code;

    public int StatusCode { get; } = statusCode;
}
