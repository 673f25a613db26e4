using Amazon.EC2;
using Amazon.Runtime;
using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;

namespace StatefulSpot.Silo.Hosting;

/// <summary>Registers the AWS SDK clients StatefulSpot uses.</summary>
public static class AwsClients
{
    /// <summary>EC2 and SQS clients that talk to one endpoint (the emulator), with throw-away credentials.</summary>
    public static IServiceCollection AddAwsClientsForEndpoint(this IServiceCollection services, Uri serviceUrl, string region)
    {
        var credentials = new BasicAWSCredentials("statefulspot-local", "statefulspot-local");
        services.AddSingleton<IAmazonEC2>(_ => new AmazonEC2Client(credentials,
            new AmazonEC2Config { ServiceURL = serviceUrl.ToString(), AuthenticationRegion = region }));
        services.AddSingleton<IAmazonSQS>(_ => new AmazonSQSClient(credentials,
            new AmazonSQSConfig { ServiceURL = serviceUrl.ToString(), AuthenticationRegion = region }));
        return services;
    }
}
