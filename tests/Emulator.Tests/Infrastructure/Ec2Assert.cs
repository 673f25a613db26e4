using Amazon.EC2;

namespace StatefulSpot.Emulator.Tests.Infrastructure;

public static class Ec2Assert
{
    /// <summary>The call fails with an EC2 error of <paramref name="code"/> (and HTTP 400 unless told).</summary>
    public static async Task<AmazonEC2Exception> FailsAsync(string code, Func<Task> call, int status = 400)
    {
        var error = await Assert.ThrowsAsync<AmazonEC2Exception>(call);
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(status, (int)error.StatusCode);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
        return error;
    }
}
