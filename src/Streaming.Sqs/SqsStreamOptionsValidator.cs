using Orleans;
using Orleans.Runtime;

namespace StatefulSpot.Streaming.Sqs;

/// <summary>
/// Checks <see cref="SqsStreamOptions"/> at silo start-up; the error names the provider and the bad key.
/// </summary>
public sealed class SqsStreamOptionsValidator : IConfigurationValidator
{
    private readonly SqsStreamOptions _options;
    private readonly string _providerName;
    private readonly string? _configurationSection;

    /// <summary>Creates a validator for the options of the named provider.</summary>
    /// <param name="options">The options to check.</param>
    /// <param name="providerName">The stream provider name, for the message.</param>
    /// <param name="configurationSection">
    /// The configuration section the options are bound from, e.g. <c>StatefulSpot:Events</c>: the message then names
    /// each bad setting by its key (<c>StatefulSpot:Events:VisibilityTimeout</c>). Default: the bare property names.
    /// </param>
    public SqsStreamOptionsValidator(SqsStreamOptions options, string providerName, string? configurationSection = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        _options = options;
        _providerName = providerName;
        _configurationSection = string.IsNullOrWhiteSpace(configurationSection) ? null : configurationSection;
    }

    /// <inheritdoc />
    /// <exception cref="OrleansConfigurationException">A setting is missing or out of range.</exception>
    public void ValidateConfiguration()
    {
        var errors = FindErrors(_options, Key);
        if (errors.Count > 0)
        {
            throw new OrleansConfigurationException(
                $"Invalid {nameof(SqsStreamOptions)} for SQS stream provider '{_providerName}': {string.Join(" ", errors)}");
        }
    }

    private string Key(string property) => _configurationSection is null ? property : $"{_configurationSection}:{property}";

    private static List<string> FindErrors(SqsStreamOptions options, Func<string, string> key)
    {
        var errors = new List<string>();
        var hasUrl = !string.IsNullOrWhiteSpace(options.QueueUrl);
        var hasName = !string.IsNullOrWhiteSpace(options.QueueName);
        if (hasUrl == hasName)
        {
            errors.Add(hasUrl
                ? $"{key(nameof(SqsStreamOptions.QueueUrl))} and {key(nameof(SqsStreamOptions.QueueName))} are both set; set exactly one."
                : $"Neither {key(nameof(SqsStreamOptions.QueueUrl))} nor {key(nameof(SqsStreamOptions.QueueName))} is set; set exactly one.");
        }

        if (hasUrl && !Uri.TryCreate(options.QueueUrl, UriKind.Absolute, out _))
        {
            errors.Add($"{key(nameof(SqsStreamOptions.QueueUrl))} '{options.QueueUrl}' is not an absolute URL.");
        }

        if (options.CreateQueueIfMissing && !hasName)
        {
            errors.Add($"{key(nameof(SqsStreamOptions.CreateQueueIfMissing))} needs {key(nameof(SqsStreamOptions.QueueName))}.");
        }

        if (options.ReceivesPerPoll is < 1 or > 20)
        {
            errors.Add($"{key(nameof(SqsStreamOptions.ReceivesPerPoll))} is {options.ReceivesPerPoll}; it must be between 1 and 20.");
        }

        if (options.ReceiverCount is < 1 or > 32)
        {
            errors.Add($"{key(nameof(SqsStreamOptions.ReceiverCount))} is {options.ReceiverCount}; it must be between 1 and 32.");
        }

        if (options.MaxMessagesPerReceive is < 1 or > SqsStreamOptions.MaxMessagesPerReceiveLimit)
        {
            errors.Add($"{key(nameof(SqsStreamOptions.MaxMessagesPerReceive))} is {options.MaxMessagesPerReceive}; it must be between 1 and {SqsStreamOptions.MaxMessagesPerReceiveLimit}.");
        }

        if (!IsWholeSecondsBetween(options.ReceiveWaitTime, TimeSpan.Zero, SqsStreamOptions.ReceiveWaitTimeLimit))
        {
            errors.Add($"{key(nameof(SqsStreamOptions.ReceiveWaitTime))} is {options.ReceiveWaitTime}; it must be whole seconds between 0 and {SqsStreamOptions.ReceiveWaitTimeLimit.TotalSeconds} s.");
        }

        if (!IsWholeSecondsBetween(options.VisibilityTimeout, TimeSpan.FromSeconds(1), SqsStreamOptions.VisibilityTimeoutLimit))
        {
            errors.Add($"{key(nameof(SqsStreamOptions.VisibilityTimeout))} is {options.VisibilityTimeout}; it must be whole seconds between 1 s and {SqsStreamOptions.VisibilityTimeoutLimit}.");
        }

        if (options.MaxInFlightTime < TimeSpan.Zero || options.MaxInFlightTime > SqsStreamOptions.VisibilityTimeoutLimit)
        {
            errors.Add($"{key(nameof(SqsStreamOptions.MaxInFlightTime))} is {options.MaxInFlightTime}; it must be between 0 and {SqsStreamOptions.VisibilityTimeoutLimit} " +
                $"(set it to {key(nameof(SqsStreamOptions.VisibilityTimeout))} or less to never extend a message's visibility).");
        }

        if (!Enum.IsDefined(options.DiscardPolicy))
        {
            errors.Add($"{key(nameof(SqsStreamOptions.DiscardPolicy))} is {options.DiscardPolicy}; it must be one of {string.Join(", ", Enum.GetNames<SqsDiscardPolicy>())}.");
        }

        if (!IsWholeSecondsBetween(options.RedriveDelay, TimeSpan.Zero, SqsStreamOptions.VisibilityTimeoutLimit))
        {
            errors.Add($"{key(nameof(SqsStreamOptions.RedriveDelay))} is {options.RedriveDelay}; it must be whole seconds between 0 and {SqsStreamOptions.VisibilityTimeoutLimit}.");
        }

        return errors;
    }

    private static bool IsWholeSecondsBetween(TimeSpan value, TimeSpan min, TimeSpan max) =>
        value >= min && value <= max && value.Ticks % TimeSpan.TicksPerSecond == 0;
}
