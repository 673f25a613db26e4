using Amazon.SQS;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Streams;
using StatefulSpot.Streaming.Sqs;

namespace StatefulSpot.Unit.Tests.Streaming;

public sealed class SqsStreamingRegistrationTests
{
    [Fact]
    public void AddSqsStreams_BindsNamedOptionsFromConfiguration_AndRegistersTheProvider()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Streams:Spot:QueueName"] = "spot-events",
            ["Streams:Spot:VisibilityTimeout"] = "00:02:00",
            ["Streams:Spot:MaxInFlightTime"] = "00:05:00",
            ["Streams:Spot:DiscardPolicy"] = "LeaveForRedrive",
        });
        using var sqs = new FakeSqs();
        builder.Services.AddSingleton<IAmazonSQS>(sqs);
        builder.Services.AddSqsMessageAdapter<TestMessageAdapter>("spot");
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering()
            .AddSqsStreams("spot", options => options.BindConfiguration("Streams:Spot"), streams => streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly)));

        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptionsMonitor<SqsStreamOptions>>().Get("spot");
        Assert.Equal("spot-events", options.QueueName);
        Assert.Equal(TimeSpan.FromMinutes(2), options.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), options.MaxInFlightTime);
        Assert.Equal(SqsDiscardPolicy.LeaveForRedrive, options.DiscardPolicy);
        Assert.NotNull(host.Services.GetKeyedService<IStreamProvider>("spot"));
        Assert.IsType<TestMessageAdapter>(host.Services.GetRequiredKeyedService<ISqsMessageAdapter>("spot"));
        foreach (var validator in SqsValidators(host.Services))
        {
            validator.ValidateConfiguration();
        }
    }

    [Fact]
    public void StartupValidation_RejectsInvalidOptions()
    {
        var builder = Host.CreateApplicationBuilder();
        using var sqs = new FakeSqs();
        builder.Services.AddSingleton<IAmazonSQS>(sqs);
        builder.Services.AddSqsMessageAdapter<TestMessageAdapter>("spot");
        builder.UseOrleans(silo => silo.UseLocalhostClustering().AddSqsStreams("spot", (SqsStreamOptions _) => { }));

        using var host = builder.Build();

        var error = Assert.Throws<OrleansConfigurationException>(() =>
        {
            foreach (var validator in SqsValidators(host.Services))
            {
                validator.ValidateConfiguration();
            }
        });
        Assert.Contains(nameof(SqsStreamOptions.QueueUrl), error.Message);
    }

    [Fact]
    public void StartupValidation_WithoutAMessageAdapter_SaysHowToRegisterOne()
    {
        var builder = Host.CreateApplicationBuilder();
        using var sqs = new FakeSqs();
        builder.Services.AddKeyedSingleton<IAmazonSQS>("spot", sqs);
        builder.UseOrleans(silo => silo.UseLocalhostClustering().AddSqsStreams("spot", options => options.QueueUrl = FakeSqs.QueueUrl));

        using var host = builder.Build();

        var error = Assert.Throws<OrleansConfigurationException>(() =>
        {
            foreach (var validator in SqsValidators(host.Services))
            {
                validator.ValidateConfiguration();
            }
        });
        Assert.Contains(nameof(ISqsMessageAdapter), error.Message);
        Assert.Contains("AddSqsMessageAdapter", error.Message);
        Assert.Throws<OrleansConfigurationException>(() => SqsQueueAdapterFactory.Create(host.Services, "spot"));
    }

    [Fact]
    public async Task Factory_PrefersTheKeyedClient_OverTheUnkeyedOne()
    {
        using var unkeyed = new FakeSqs();
        using var keyed = new FakeSqs();
        keyed.Enqueue("i-1=x");
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IAmazonSQS>(unkeyed)
            .AddKeyedSingleton<IAmazonSQS>("spot", keyed)
            .AddSingleton<ISqsMessageAdapter, TestMessageAdapter>();
        services.AddOptions<SqsStreamOptions>("spot").Configure(o => o.QueueUrl = FakeSqs.QueueUrl);
        await using var provider = services.BuildServiceProvider();

        var factory = SqsQueueAdapterFactory.Create(provider, "spot");
        var adapter = await factory.CreateAdapter(CancellationToken.None);
        var receiver = adapter.CreateReceiver(factory.GetStreamQueueMapper().GetAllQueues().First());

        Assert.Single(await receiver.GetQueueMessagesAsync(10, CancellationToken.None));
        Assert.Empty(unkeyed.ReceiveRequests);
    }

    // Only this provider's validators: the other silo validators need a running cluster's services.
    private static IEnumerable<IConfigurationValidator> SqsValidators(IServiceProvider services) =>
        services.GetServices<IConfigurationValidator>()
            .Where(v => v.GetType().Assembly == typeof(SqsStreamOptions).Assembly);
}
