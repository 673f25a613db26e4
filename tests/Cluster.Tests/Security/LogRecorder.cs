using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StatefulSpot.Cluster.Tests.Security;

/// <summary>Keeps every log entry of Warning and above (category and message), to count what a host reported.</summary>
public sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, string Message)> _entries = new();

    /// <summary>How many TLS handshakes Orleans' TLS middleware (server or client side) reported as failed.</summary>
    public int TlsHandshakesFailed => _entries.Count(e => e.Category.StartsWith("Orleans.Connections.Security.", StringComparison.Ordinal)
        && e.Message.Contains("Authentication failed", StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Recorder(LogRecorder owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._entries.Enqueue((category, formatter(state, exception)));
            }
        }
    }
}
