using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using StatefulSpot.Streaming.Sqs;

namespace StatefulSpot.Silo.Hosting;

/// <summary>
/// The <c>ec2-events</c> stream's <see cref="SqsStreamOptions"/>: StatefulSpot's defaults, then configuration section
/// <see cref="Section"/>, then the queue URL of the host (<c>StatefulSpot:EventQueueUrl</c>, or the emulator's).
/// </summary>
public static class EventStreamOptions
{
    public const string Section = "StatefulSpot:Events";

    /// <summary>Default <see cref="SqsStreamOptions.MaxInFlightTime"/>: a notice not handled within its two minutes goes back to the queue for another silo.</summary>
    public static readonly TimeSpan DefaultMaxInFlightTime = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Default <see cref="SqsStreamOptions.DiscardPolicy"/>: a message that cannot be read is left for the queue's
    /// RedrivePolicy (dead-lettered, as is one whose delivery keeps failing); set <c>Delete</c> to drop it instead.
    /// </summary>
    public const SqsDiscardPolicy DefaultDiscardPolicy = SqsDiscardPolicy.LeaveForRedrive;

    /// <summary>Keys of <see cref="SqsStreamOptions"/> that name the queue: the host does that, so configuration may not.</summary>
    private static readonly string[] QueueKeys =
        [nameof(SqsStreamOptions.QueueUrl), nameof(SqsStreamOptions.QueueName), nameof(SqsStreamOptions.CreateQueueIfMissing)];

    /// <summary>Applies the defaults, binds <see cref="Section"/> (when there is configuration) and sets the queue URL.</summary>
    public static void Configure(OptionsBuilder<SqsStreamOptions> options, string eventQueueUrl, IConfiguration? configuration)
    {
        options.Configure(o =>
        {
            o.MaxInFlightTime = DefaultMaxInFlightTime;
            o.DiscardPolicy = DefaultDiscardPolicy;
        });
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(Section));
        }

        options.PostConfigure(o =>
        {
            o.QueueUrl = eventQueueUrl;
            o.QueueName = null;
            o.CreateQueueIfMissing = false;
        });
    }

    /// <summary>Fails start-up when the section tries to name the queue.</summary>
    public sealed class QueueKeysValidator(IConfiguration configuration) : IConfigurationValidator
    {
        public void ValidateConfiguration()
        {
            var section = configuration.GetSection(Section);
            var set = QueueKeys.Where(key => section[key] is not null).Select(key => $"{Section}:{key}").ToList();
            if (set.Count > 0)
            {
                throw new OrleansConfigurationException(
                    $"{string.Join(" and ", set)} cannot be set: the event queue is {StatefulSpotHostOptions.Section}:{nameof(StatefulSpotHostOptions.EventQueueUrl)} "
                    + "in cluster mode and the in-process emulator's queue in local mode.");
            }
        }
    }
}
