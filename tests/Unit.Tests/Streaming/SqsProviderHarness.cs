using System.Diagnostics.Metrics;
using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using StatefulSpot.Streaming.Sqs;

namespace StatefulSpot.Unit.Tests.Streaming;

/// <summary>
/// Builds the provider the way a silo does (DI, named options, keyed services, the static
/// factory) and exposes its receiver, the fake SQS behind it and the counters it recorded.
/// </summary>
internal sealed class SqsProviderHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _meterListener = new();
    private readonly Dictionary<string, long> _counters = [];
    private readonly LogCapture _logs;

    private SqsProviderHarness(ServiceProvider services, IQueueAdapterFactory factory, IQueueAdapter adapter, IQueueAdapterReceiver receiver, LogCapture logs)
    {
        _services = services;
        _logs = logs;
        Factory = factory;
        Adapter = adapter;
        Receiver = receiver;
    }

    public string ProviderName { get; private set; } = "";

    public FakeSqs Sqs { get; private set; } = null!;

    public ManualTimeProvider Clock { get; private set; } = null!;

    public IQueueAdapterFactory Factory { get; }

    public IQueueAdapter Adapter { get; }

    public IQueueAdapterReceiver Receiver { get; }

    public static async Task<SqsProviderHarness> StartAsync(Action<SqsStreamOptions>? configure = null)
    {
        // A unique name keeps counters of tests running in parallel apart.
        var name = "sqs-" + Guid.NewGuid().ToString("N")[..8];
        var clock = new ManualTimeProvider();
        var sqs = new FakeSqs { Clock = clock };
        var logs = new LogCapture();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(logs))
            .AddSingleton<TimeProvider>(clock)
            .AddKeyedSingleton<IAmazonSQS>(name, sqs)
            .AddSqsMessageAdapter<TestMessageAdapter>(name);
        services.AddOptions<SqsStreamOptions>(name).Configure(options =>
        {
            options.QueueUrl = FakeSqs.QueueUrl;
            configure?.Invoke(options);
        });

        var provider = services.BuildServiceProvider();
        var factory = SqsQueueAdapterFactory.Create(provider, name);
        var adapter = await factory.CreateAdapter(CancellationToken.None);
        var queue = factory.GetStreamQueueMapper().GetAllQueues().First();
        var receiver = adapter.CreateReceiver(queue);
        var harness = new SqsProviderHarness(provider, factory, adapter, receiver, logs)
        {
            ProviderName = name,
            Sqs = sqs,
            Clock = clock,
        };
        harness.ListenToCounters();
        await receiver.Initialize(TimeSpan.FromSeconds(5), CancellationToken.None);
        return harness;
    }

    public long Counter(string instrumentName)
    {
        lock (_counters)
        {
            return _counters.GetValueOrDefault(instrumentName);
        }
    }

    /// <summary>The receiver's log lines at <paramref name="level"/>, formatted.</summary>
    public IReadOnlyList<string> Logs(LogLevel level) => _logs.At(level);

    /// <summary>Moves the clock by <paramref name="step"/> and polls, like the pulling agent's timer, until <paramref name="duration"/> has passed.</summary>
    public async Task PollForAsync(TimeSpan duration, TimeSpan step)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += step)
        {
            Clock.Advance(step);
            await ReceiveAsync();
        }
    }

    public Task<IList<IBatchContainer>> ReceiveAsync() => Receiver.GetQueueMessagesAsync(100, CancellationToken.None);

    public Task DeliveredAsync(params IBatchContainer[] batches) => Receiver.MessagesDeliveredAsync(batches, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        _meterListener.Dispose();
        await Receiver.Shutdown(TimeSpan.FromSeconds(5), CancellationToken.None);
        await _services.DisposeAsync();
        Sqs.Dispose();
    }

    private void ListenToCounters()
    {
        _meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SqsStreamTelemetry.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meterListener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == SqsStreamTelemetry.ProviderTag && Equals(tag.Value, ProviderName))
                {
                    lock (_counters)
                    {
                        _counters[instrument.Name] = _counters.GetValueOrDefault(instrument.Name) + value;
                    }
                }
            }
        });
        _meterListener.Start();
    }

    /// <summary>Keeps every log line of the provider, formatted, by level.</summary>
    private sealed class LogCapture : ILoggerProvider
    {
        private readonly List<(LogLevel Level, string Message)> _entries = [];

        public IReadOnlyList<string> At(LogLevel level)
        {
            lock (_entries)
            {
                return [.. _entries.Where(e => e.Level == level).Select(e => e.Message)];
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(LogCapture capture) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (capture._entries)
                {
                    capture._entries.Add((logLevel, formatter(state, exception)));
                }
            }
        }
    }
}
