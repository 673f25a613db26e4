using StatefulSpot.Emulator.Core;

namespace StatefulSpot.Emulator.Sqs;

/// <summary>
/// The queue-level SQS operations on the wire: CreateQueue, GetQueueUrl, ListQueues, DeleteQueue, PurgeQueue,
/// GetQueueAttributes, SetQueueAttributes.
/// </summary>
internal sealed class SqsQueueActions(WorldGate gate, QueueOperations queues)
{
    public void Register(IDictionary<string, SqsAction> actions)
    {
        actions["CreateQueue"] = CreateQueue;
        actions["GetQueueUrl"] = GetQueueUrl;
        actions["ListQueues"] = ListQueues;
        actions["DeleteQueue"] = DeleteQueue;
        actions["PurgeQueue"] = PurgeQueue;
        actions["GetQueueAttributes"] = GetQueueAttributes;
        actions["SetQueueAttributes"] = SetQueueAttributes;
    }

    private ValueTask CreateQueue(SqsCall call)
    {
        var name = call.Request.RequiredString("QueueName");
        var attributes = call.Request.StringMap("Attributes");
        var tags = call.Request.StringMap("tags");
        var queue = gate.Write(s => queues.Create(s.Sqs, name, attributes, tags));
        SqsJson.Object(call.Json, j => j.WriteString("QueueUrl", queues.QueueUrl(call.ServiceUrl, queue.Name)));
        return ValueTask.CompletedTask;
    }

    private ValueTask GetQueueUrl(SqsCall call)
    {
        var name = call.Request.RequiredString("QueueName");
        var owner = call.Request.String("QueueOwnerAWSAccountId");
        var queueName = gate.Read(s => QueueOperations.FindByName(s.Sqs, name).Name);
        if (owner is not null && owner != queues.AccountId)
        {
            throw SqsErrors.QueueDoesNotExist();
        }

        SqsJson.Object(call.Json, j => j.WriteString("QueueUrl", queues.QueueUrl(call.ServiceUrl, queueName)));
        return ValueTask.CompletedTask;
    }

    private ValueTask ListQueues(SqsCall call)
    {
        var prefix = call.Request.String("QueueNamePrefix") ?? "";
        var names = gate.Read(s => s.Sqs.Queues.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList());
        SqsJson.Object(call.Json, j =>
        {
            if (names.Count == 0)
            {
                return;
            }

            j.WriteStartArray("QueueUrls");
            foreach (var name in names)
            {
                j.WriteStringValue(queues.QueueUrl(call.ServiceUrl, name));
            }

            j.WriteEndArray();
        });
        return ValueTask.CompletedTask;
    }

    private ValueTask DeleteQueue(SqsCall call)
    {
        var url = call.Request.RequiredString("QueueUrl");
        gate.Write(s =>
        {
            var queue = queues.FindByUrl(s.Sqs, url);
            s.Sqs.Queues.Remove(queue.Name);
            queue.Signal.Pulse();
        });
        SqsJson.Object(call.Json, _ => { });
        return ValueTask.CompletedTask;
    }

    private ValueTask PurgeQueue(SqsCall call)
    {
        var url = call.Request.RequiredString("QueueUrl");
        gate.Write(s => queues.Purge(queues.FindByUrl(s.Sqs, url), url));
        SqsJson.Object(call.Json, _ => { });
        return ValueTask.CompletedTask;
    }

    private ValueTask GetQueueAttributes(SqsCall call)
    {
        var url = call.Request.RequiredString("QueueUrl");
        var names = call.Request.StringList("AttributeNames");
        var attributes = gate.Read(s => queues.GetAttributes(queues.FindByUrl(s.Sqs, url), names));
        SqsJson.Object(call.Json, j =>
        {
            if (attributes.Count > 0)
            {
                SqsJson.Map(j, "Attributes", attributes);
            }
        });
        return ValueTask.CompletedTask;
    }

    private ValueTask SetQueueAttributes(SqsCall call)
    {
        var url = call.Request.RequiredString("QueueUrl");
        var attributes = call.Request.StringMap("Attributes");
        gate.Write(s => queues.SetAttributes(queues.FindByUrl(s.Sqs, url), attributes));
        SqsJson.Object(call.Json, _ => { });
        return ValueTask.CompletedTask;
    }
}
