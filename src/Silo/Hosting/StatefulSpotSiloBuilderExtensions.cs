using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using Orleans.Streams;
using StatefulSpot.Grains;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Ec2.Gateway;
using StatefulSpot.Grains.ManagedInstances;
using StatefulSpot.Grains.Reconciliation;
using StatefulSpot.Grains.Telemetry;
using StatefulSpot.Silo.Events;
using StatefulSpot.Streaming.Sqs;

namespace StatefulSpot.Silo.Hosting;

public static class StatefulSpotSiloBuilderExtensions
{
    /// <summary>
    /// Everything every StatefulSpot silo has, whatever its mode: the EC2 seam (measured and traced), the saga options
    /// and its metrics listener, the <c>ec2-events</c> stream over SQS with the EventBridge adapter (options from
    /// <see cref="EventStreamOptions.Section"/>, see <see cref="EventStreamOptions"/>), activity
    /// propagation across grain calls, and the resume sweep. The host adds
    /// clustering, grain storage named <see cref="StorageNames.Instances"/>, a reminder service, and
    /// registrations of <see cref="Amazon.EC2.IAmazonEC2"/> and <see cref="Amazon.SQS.IAmazonSQS"/>.
    /// </summary>
    public static ISiloBuilder AddStatefulSpot(this ISiloBuilder silo, string eventQueueUrl, IConfiguration? configuration = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventQueueUrl);
        var services = silo.Services;
        services.TryAddTimeProvider();

        // Stored state is plain JSON of our records, whatever storage the host picks: never CLR type names.
        services.TryAddKeyedSingleton<IGrainStorageSerializer, SystemTextJsonGrainStorageSerializer>(StorageNames.Instances);
        services.AddMetrics();
        services.TryAddSingleton<StatefulSpotMetrics>();
        // Every grain's EC2 call goes through the silo's one gateway (the account's budget, priorities, coalesced
        // describes); below it, each call that reaches EC2 is measured and traced.
        services.AddSingleton<Ec2Api>();
        services.TryAddSingleton<ILiveSiloCount, MembershipSiloCount>();
        services.AddSingleton<Ec2Budget>();
        services.AddSingleton<IEc2Api>(sp => new Ec2Gateway(
            new InstrumentedEc2Api(sp.GetRequiredService<Ec2Api>(), sp.GetRequiredService<StatefulSpotMetrics>()),
            sp.GetRequiredService<Ec2Budget>(), sp.GetRequiredService<IOptions<Ec2GatewayOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ISagaStepListener, SagaMetricsListener>();
        services.AddSingleton<ISagaStepListener, ReconcilerForgetListener>();

        // Grain calls carry the caller's trace context (clients need client.AddActivityPropagation() too).
        silo.AddActivityPropagation();
        var saga = services.AddOptions<ManagedInstanceOptions>();
        if (configuration is not null)
        {
            saga.Bind(configuration.GetSection(ManagedInstanceOptions.Section));
        }

        var reconciler = services.AddOptions<ReconcilerOptions>();
        var gateway = services.AddOptions<Ec2GatewayOptions>();
        if (configuration is not null)
        {
            reconciler.Bind(configuration.GetSection(ReconcilerOptions.Section));
            gateway.Bind(configuration.GetSection(Ec2GatewayOptions.Section));
        }

        services.AddSingleton<IConfigurationValidator, ManagedInstanceOptionsValidator>();
        services.AddSqsMessageAdapter<EventBridgeMessageAdapter>(StreamNames.Provider);
        silo.AddSqsStreams(
            StreamNames.Provider,
            options => EventStreamOptions.Configure(options, eventQueueUrl, configuration),
            streams => streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly),
            EventStreamOptions.Section);
        if (configuration is not null)
        {
            services.AddSingleton<IConfigurationValidator>(new EventStreamOptions.QueueKeysValidator(configuration));
        }

        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ResumeSweep>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, Ec2BudgetSharing>();
        return silo;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    /// <summary>Fails silo start-up with every bad saga option named.</summary>
    private sealed class ManagedInstanceOptionsValidator(IOptions<ManagedInstanceOptions> saga, IOptions<ReconcilerOptions> reconciler,
        IOptions<Ec2GatewayOptions> gateway) : IConfigurationValidator
    {
        public void ValidateConfiguration()
        {
            var problems = saga.Value.Validate().Concat(reconciler.Value.Validate()).Concat(gateway.Value.Validate()).ToList();
            if (problems.Count > 0)
            {
                throw new OrleansConfigurationException(string.Join(" ", problems));
            }
        }
    }
}
