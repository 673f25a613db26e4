namespace StatefulSpot.Streaming.Sqs;

/// <summary>
/// What the provider does with a message the <see cref="ISqsMessageAdapter"/> discards (or fails
/// to decode): see <see cref="SqsStreamOptions.DiscardPolicy"/>.
/// </summary>
public enum SqsDiscardPolicy
{
    /// <summary>Delete the message at once. It is gone for good; only the log and the discard counter remember it.</summary>
    Delete = 0,

    /// <summary>
    /// Leave the message in the queue and make it visible again after
    /// <see cref="SqsStreamOptions.RedriveDelay"/>, so that the queue's RedrivePolicy moves it to
    /// the dead-letter queue once it has been received <c>maxReceiveCount</c> times. Without a
    /// RedrivePolicy the message comes back until the queue's retention period ends.
    /// </summary>
    LeaveForRedrive = 1,
}
