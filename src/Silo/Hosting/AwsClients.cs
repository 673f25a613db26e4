using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;

namespace StatefulSpot.Silo.Hosting;

/// <summary>Registers the AWS SDK clients StatefulSpot uses.</summary>
public static class AwsClients
{
    private static readonly BasicAWSCredentials EmulatorCredentials = new("statefulspot-local", "statefulspot-local");

    /// <summary>EC2 and SQS clients that talk to one endpoint (the emulator), with throw-away credentials.</summary>
    public static IServiceCollection AddAwsClientsForEndpoint(this IServiceCollection services, Uri serviceUrl, string region) =>
        services.AddAwsClients(new StatefulSpotAwsOptions { Region = region, Ec2ServiceUrl = serviceUrl.ToString(), SqsServiceUrl = serviceUrl.ToString() });

    /// <summary>
    /// EC2 and SQS clients for <see cref="StatefulSpotAwsOptions.Region"/>. A client without an endpoint override talks to
    /// AWS with credentials from the SDK's default chain (environment, profile, ECS task role, EC2 instance profile); a
    /// client with an override talks to that endpoint (the emulator) and signs with throw-away credentials.
    /// </summary>
    public static IServiceCollection AddAwsClients(this IServiceCollection services, StatefulSpotAwsOptions aws)
    {
        ArgumentNullException.ThrowIfNull(aws);
        ArgumentException.ThrowIfNullOrWhiteSpace(aws.Region);
        var region = aws.Region;
        services.PostConfigure<Grains.ManagedInstanceOptions>(o => o.Region ??= region);
        services.AddSingleton<IAmazonEC2>(_ => aws.Ec2ServiceUrl is { } ec2Url
            ? new AmazonEC2Client(EmulatorCredentials, new AmazonEC2Config { ServiceURL = ec2Url, AuthenticationRegion = region })
            : new AmazonEC2Client(new AmazonEC2Config { RegionEndpoint = RegionEndpoint.GetBySystemName(region) }));
        services.AddSingleton<IAmazonSQS>(_ => aws.SqsServiceUrl is { } sqsUrl
            ? new AmazonSQSClient(EmulatorCredentials, new AmazonSQSConfig { ServiceURL = sqsUrl, AuthenticationRegion = region })
            : new AmazonSQSClient(new AmazonSQSConfig { RegionEndpoint = RegionEndpoint.GetBySystemName(region) }));
        return services;
    }
}
