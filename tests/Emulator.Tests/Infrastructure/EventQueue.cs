using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace StatefulSpot.Emulator.Tests.Infrastructure;

/// <summary>Reads the emulator's EventBridge event queue, keeping every event seen.</summary>
public sealed class EventQueue(IAmazonSQS sqs, string queueUrl)
{
    private readonly List<string> _bodies = [];

    public IReadOnlyList<string> Bodies => _bodies;

    /// <summary>Receives and deletes what is on the queue now.</summary>
    public async Task<IReadOnlyList<string>> DrainAsync()
    {
        while (true)
        {
            var response = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = queueUrl,
                MaxNumberOfMessages = 10,
                WaitTimeSeconds = 0,
            });
            if (response.Messages is not { Count: > 0 } messages)
            {
                return _bodies;
            }

            foreach (var message in messages)
            {
                _bodies.Add(message.Body);
                await sqs.DeleteMessageAsync(queueUrl, message.ReceiptHandle);
            }
        }
    }

    /// <summary>Waits until an event of <paramref name="detailType"/> for the instance (and state, if given) has arrived.</summary>
    public async Task<JsonElement> WaitForAsync(string detailType, string instanceId, string? state = null)
    {
        await Eventually.ReturnsAsync(DrainAsync, _ => Find(detailType, instanceId, state) is not null, $"{detailType} {instanceId} {state}");
        return Find(detailType, instanceId, state)!.Value;
    }

    public IReadOnlyList<JsonElement> Events(string detailType, string instanceId) =>
        _bodies.Select(b => JsonDocument.Parse(b).RootElement)
            .Where(e => e.GetProperty("detail-type").GetString() == detailType
                && e.GetProperty("detail").GetProperty("instance-id").GetString() == instanceId)
            .ToList();

    private JsonElement? Find(string detailType, string instanceId, string? state) =>
        Events(detailType, instanceId)
            .Where(e => state is null || e.GetProperty("detail").GetProperty("state").GetString() == state)
            .Select(e => (JsonElement?)e)
            .FirstOrDefault();
}
