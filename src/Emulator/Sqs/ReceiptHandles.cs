using System.Text;

namespace StatefulSpot.Emulator.Sqs;

/// <summary>Receipt handles: base64 of queue name, message id and a nonce, so a handle names its queue and message.</summary>
internal static class ReceiptHandles
{
    public static string New(string queueName, string messageId) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{queueName}\n{messageId}\n{Guid.NewGuid():N}"));

    /// <summary>The message id the handle refers to, or <c>ReceiptHandleIsInvalid</c> when it is not a handle of this queue.</summary>
    public static string MessageIdOf(string handle, string queueName)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(handle)).Split('\n');
            if (parts.Length == 3 && parts[0] == queueName)
            {
                return parts[1];
            }
        }
        catch (FormatException)
        {
            // not base64: invalid below
        }

        throw SqsErrors.ReceiptHandleIsInvalid(handle);
    }
}
