using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace StatefulSpot.Streaming.Sqs;

/// <summary>
/// Builds the SQS stream provider's parts: one queue (the SQS queue), an in-memory
/// <see cref="SimpleQueueAdapterCache"/> and a no-op delivery failure handler.
/// </summary>
public sealed class SqsQueueAdapterFactory : IQueueAdapterFactory
{
    private readonly string _name;
    private readonly SqsStreamOptions _options;
    private readonly IAmazonSQS _sqs;
    private readonly ISqsMessageAdapter _messageAdapter;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly SqsStreamCounters _counters;
    private readonly HashRingBasedStreamQueueMapper _queueMapper;
    private readonly SimpleQueueAdapterCache _cache;

    private SqsQueueAdapterFactory(
        string name,
        SqsStreamOptions options,
        SimpleQueueCacheOptions cacheOptions,
        IAmazonSQS sqs,
        ISqsMessageAdapter messageAdapter,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        _name = name;
        _options = options;
        _sqs = sqs;
        _messageAdapter = messageAdapter;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _counters = new SqsStreamCounters(name);
        // One SQS queue, read by ReceiverCount Orleans queues: each has its own pulling agent (spread over the silos),
        // and each agent delivers whatever its receiver takes from the queue.
        _queueMapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = options.ReceiverCount }, name);
        _cache = new SimpleQueueAdapterCache(cacheOptions, name, loggerFactory);
    }

    /// <summary>
    /// Creates the factory of the named provider; the signature fits
    /// <c>ISiloBuilder.AddPersistentStreams</c>. Reads the named <see cref="SqsStreamOptions"/> and
    /// <see cref="SimpleQueueCacheOptions"/>, and the <see cref="IAmazonSQS"/> client and
    /// <see cref="ISqsMessageAdapter"/> keyed by <paramref name="name"/>, else unkeyed.
    /// </summary>
    /// <exception cref="OrleansConfigurationException">The options are invalid, or no SQS client or message adapter is registered.</exception>
    public static SqsQueueAdapterFactory Create(IServiceProvider services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        var options = services.GetRequiredService<IOptionsMonitor<SqsStreamOptions>>().Get(name);
        new SqsStreamOptionsValidator(options, name).ValidateConfiguration();
        return new SqsQueueAdapterFactory(
            name,
            options,
            services.GetRequiredService<IOptionsMonitor<SimpleQueueCacheOptions>>().Get(name),
            SqsProviderServices.GetSqsClient(services, name),
            SqsProviderServices.GetMessageAdapter(services, name),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetRequiredService<ILoggerFactory>());
    }

    /// <inheritdoc />
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    /// <inheritdoc />
    /// <remarks>Touches no network: the queue URL is resolved when the receiver starts.</remarks>
    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) =>
        Task.FromResult<IQueueAdapter>(new SqsQueueAdapter(_name, _options, _sqs, _messageAdapter, _counters, _timeProvider, _loggerFactory));

    /// <inheritdoc />
    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    /// <inheritdoc />
    public IStreamQueueMapper GetStreamQueueMapper() => _queueMapper;

    /// <inheritdoc />
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler());
}
