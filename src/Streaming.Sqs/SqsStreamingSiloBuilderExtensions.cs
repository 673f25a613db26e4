using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting;

namespace StatefulSpot.Streaming.Sqs;

/// <summary>Registers an SQS stream provider on a silo.</summary>
public static class SqsStreamingSiloBuilderExtensions
{
    /// <summary>
    /// Adds a read-only persistent stream provider named <paramref name="name"/> that reads one SQS
    /// queue. Also register an <see cref="ISqsMessageAdapter"/> (see
    /// <see cref="SqsStreamingServiceCollectionExtensions.AddSqsMessageAdapter{TAdapter}"/>) and an
    /// <c>IAmazonSQS</c> client (keyed by <paramref name="name"/> or unkeyed).
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The stream provider name.</param>
    /// <param name="configureOptions">Sets the queue and receive options.</param>
    /// <param name="configure">Configures the persistent stream provider (pub-sub type, pulling agent, balancer).</param>
    public static ISiloBuilder AddSqsStreams(
        this ISiloBuilder builder,
        string name,
        Action<SqsStreamOptions> configureOptions,
        Action<ISiloPersistentStreamConfigurator>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configureOptions);
        return builder.AddSqsStreams(name, options => options.Configure(configureOptions), configure);
    }

    /// <summary>
    /// Adds a read-only SQS stream provider whose options are configured through an
    /// <see cref="OptionsBuilder{TOptions}"/>, e.g. <c>ob => ob.BindConfiguration("Streams:Sqs")</c>.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The stream provider name.</param>
    /// <param name="configureOptions">Configures the options, e.g. binds them.</param>
    /// <param name="configure">Configures the persistent stream provider (pub-sub type, pulling agent, balancer).</param>
    /// <param name="configurationSection">
    /// The configuration section the options are bound from, if any: start-up errors then name the bad key
    /// (<c>Section:VisibilityTimeout</c>) rather than the bare property.
    /// </param>
    public static ISiloBuilder AddSqsStreams(
        this ISiloBuilder builder,
        string name,
        Action<OptionsBuilder<SqsStreamOptions>> configureOptions,
        Action<ISiloPersistentStreamConfigurator>? configure = null,
        string? configurationSection = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configureOptions);

        configureOptions(builder.Services.AddOptions<SqsStreamOptions>(name));
        builder.Services.AddSingleton<IConfigurationValidator>(services =>
            new SqsStreamOptionsValidator(services.GetRequiredService<IOptionsMonitor<SqsStreamOptions>>().Get(name), name, configurationSection));
        builder.Services.AddSingleton<IConfigurationValidator>(services => new SqsProviderServices.Validator(services, name));
        return builder.AddPersistentStreams(name, SqsQueueAdapterFactory.Create, configure ?? (_ => { }));
    }
}
