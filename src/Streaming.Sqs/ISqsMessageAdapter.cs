using Amazon.SQS.Model;

namespace StatefulSpot.Streaming.Sqs;

/// <summary>
/// Maps one raw SQS message to the stream events it carries. The provider calls it once per
/// received message, on the pulling agent; it must be fast, synchronous and side-effect free.
/// </summary>
/// <remarks>
/// <para>
/// Every event object must be serializable by Orleans (<c>[GenerateSerializer]</c> or a
/// built-in type): the batch that carries it may be delivered to a grain on another silo.
/// </para>
/// <para>
/// Return <see cref="SqsMessageDecision.Discard(string)"/> for a message that cannot be parsed
/// or is not meant for this application: it is logged, counted and, by
/// <see cref="SqsStreamOptions.DiscardPolicy"/>, deleted at once (the default) or left for the
/// queue's RedrivePolicy to dead-letter. An exception thrown from <see cref="Decode"/> is treated
/// the same way, with the exception message as the reason, so a poison message never reaches the
/// pulling agent.
/// </para>
/// <para>
/// Register an implementation with
/// <see cref="SqsStreamingServiceCollectionExtensions.AddSqsMessageAdapter{TAdapter}"/>
/// (keyed by the stream provider name), or as an unkeyed singleton shared by all SQS providers.
/// </para>
/// </remarks>
public interface ISqsMessageAdapter
{
    /// <summary>Decides what the message means: events to deliver, or a reason to discard it.</summary>
    SqsMessageDecision Decode(Message message);
}
