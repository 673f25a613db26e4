using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Amazon.SQS.Model;
using StatefulSpot.Emulator.Tests.Infrastructure;

namespace StatefulSpot.Emulator.Tests.Sqs;

/// <summary>
/// SQS over the Query protocol (form POSTs, XML answers), as botocore-based CLIs speak it; the AWSSDK v4 SQS client
/// speaks JSON only, so these post raw forms and read the XML.
/// </summary>
public sealed class QueryProtocolTests
{
    private static readonly XNamespace Sqs = "http://queue.amazonaws.com/doc/2012-11-05/";

    [Fact]
    public async Task Query_CreateSendReceiveDelete_AnswersSqsQueryXml()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var (status, created) = await PostAsync(world, "/", ("Action", "CreateQueue"), ("QueueName", "query"),
            ("Attribute.1.Name", "VisibilityTimeout"), ("Attribute.1.Value", "30"), ("Tag.1.Key", "team"), ("Tag.1.Value", "spot"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Sqs + "CreateQueueResponse", created.Root!.Name);
        var url = created.Root.Element(Sqs + "CreateQueueResult")!.Element(Sqs + "QueueUrl")!.Value;
        Assert.Equal($"{world.Emulator.ServiceUrl}123456789012/query", url);
        Assert.False(string.IsNullOrEmpty(created.Root.Element(Sqs + "ResponseMetadata")!.Element(Sqs + "RequestId")!.Value));

        var (_, sent) = await PostAsync(world, "/", ("Action", "SendMessage"), ("QueueUrl", url), ("MessageBody", "hello"),
            ("MessageAttribute.1.Name", "kind"), ("MessageAttribute.1.Value.DataType", "String"), ("MessageAttribute.1.Value.StringValue", "test"));
        var sendResult = sent.Root!.Element(Sqs + "SendMessageResult")!;
        Assert.Equal(Md5("hello"), sendResult.Element(Sqs + "MD5OfMessageBody")!.Value);
        Assert.NotNull(sendResult.Element(Sqs + "MD5OfMessageAttributes"));
        var messageId = sendResult.Element(Sqs + "MessageId")!.Value;

        // posted to the queue URL itself, without a QueueUrl member
        var (_, received) = await PostAsync(world, new Uri(url).AbsolutePath, ("Action", "ReceiveMessage"),
            ("AttributeName.1", "All"), ("MessageAttributeName.1", "All"), ("MaxNumberOfMessages", "10"));
        var message = Assert.Single(received.Root!.Element(Sqs + "ReceiveMessageResult")!.Elements(Sqs + "Message"));
        Assert.Equal(messageId, message.Element(Sqs + "MessageId")!.Value);
        Assert.Equal("hello", message.Element(Sqs + "Body")!.Value);
        Assert.Equal(Md5("hello"), message.Element(Sqs + "MD5OfBody")!.Value);
        Assert.Equal("1", Attribute(message, "Attribute", "ApproximateReceiveCount")!.Element(Sqs + "Value")!.Value);
        var kind = Attribute(message, "MessageAttribute", "kind")!.Element(Sqs + "Value")!;
        Assert.Equal("test", kind.Element(Sqs + "StringValue")!.Value);
        Assert.Equal("String", kind.Element(Sqs + "DataType")!.Value);

        var (deleteStatus, deleted) = await PostAsync(world, "/", ("Action", "DeleteMessage"), ("QueueUrl", url),
            ("ReceiptHandle", message.Element(Sqs + "ReceiptHandle")!.Value));
        Assert.Equal(HttpStatusCode.OK, deleteStatus);
        Assert.Equal([Sqs + "ResponseMetadata"], deleted.Root!.Elements().Select(e => e.Name));

        var (_, attributes) = await PostAsync(world, "/", ("Action", "GetQueueAttributes"), ("QueueUrl", url),
            ("AttributeName.1", "ApproximateNumberOfMessages"), ("AttributeName.2", "VisibilityTimeout"));
        var result = attributes.Root!.Element(Sqs + "GetQueueAttributesResult")!;
        Assert.Equal("0", Attribute(result, "Attribute", "ApproximateNumberOfMessages")!.Element(Sqs + "Value")!.Value);
        Assert.Equal("30", Attribute(result, "Attribute", "VisibilityTimeout")!.Element(Sqs + "Value")!.Value);
    }

    [Fact]
    public async Task Query_UnknownQueue_AnswersErrorResponseWithNonExistentQueue()
    {
        await using var world = await EmulatorHarness.StartAsync();

        var (status, error) = await PostAsync(world, "/", ("Action", "GetQueueUrl"), ("QueueName", "missing"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(Sqs + "ErrorResponse", error.Root!.Name);
        var detail = error.Root.Element(Sqs + "Error")!;
        Assert.Equal("Sender", detail.Element(Sqs + "Type")!.Value);
        Assert.Equal("AWS.SimpleQueueService.NonExistentQueue", detail.Element(Sqs + "Code")!.Value);
        Assert.Equal("The specified queue does not exist.", detail.Element(Sqs + "Message")!.Value);
        Assert.False(string.IsNullOrEmpty(error.Root.Element(Sqs + "RequestId")!.Value));
    }

    [Fact]
    public async Task Query_BatchesAndListQueues_AnswerFlattenedEntries()
    {
        await using var world = await EmulatorHarness.StartAsync();
        var url = (await world.Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "batch" })).QueueUrl;

        var (_, sent) = await PostAsync(world, "/", ("Action", "SendMessageBatch"), ("QueueUrl", url),
            ("SendMessageBatchRequestEntry.1.Id", "a"), ("SendMessageBatchRequestEntry.1.MessageBody", "one"),
            ("SendMessageBatchRequestEntry.2.Id", "b"), ("SendMessageBatchRequestEntry.2.MessageBody", "two"),
            ("SendMessageBatchRequestEntry.2.DelaySeconds", "0"));
        var entries = sent.Root!.Element(Sqs + "SendMessageBatchResult")!.Elements(Sqs + "SendMessageBatchResultEntry").ToList();
        Assert.Equal(["a", "b"], entries.Select(e => e.Element(Sqs + "Id")!.Value));
        Assert.Equal([Md5("one"), Md5("two")], entries.Select(e => e.Element(Sqs + "MD5OfMessageBody")!.Value));

        // the JSON client sees what the Query client sent: one queue engine behind both protocols
        var received = await world.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MaxNumberOfMessages = 10 });
        Assert.Equal(["one", "two"], (received.Messages ?? []).Select(m => m.Body).Order());

        var (_, deleted) = await PostAsync(world, "/", ("Action", "DeleteMessageBatch"), ("QueueUrl", url),
            ("DeleteMessageBatchRequestEntry.1.Id", "x"), ("DeleteMessageBatchRequestEntry.1.ReceiptHandle", received.Messages![0].ReceiptHandle),
            ("DeleteMessageBatchRequestEntry.2.Id", "y"), ("DeleteMessageBatchRequestEntry.2.ReceiptHandle", "not-a-receipt-handle"));
        var batch = deleted.Root!.Element(Sqs + "DeleteMessageBatchResult")!;
        Assert.Equal("x", Assert.Single(batch.Elements(Sqs + "DeleteMessageBatchResultEntry")).Element(Sqs + "Id")!.Value);
        var failed = Assert.Single(batch.Elements(Sqs + "BatchResultErrorEntry"));
        Assert.Equal("y", failed.Element(Sqs + "Id")!.Value);
        Assert.Equal("true", failed.Element(Sqs + "SenderFault")!.Value);

        var (_, listed) = await PostAsync(world, "/", ("Action", "ListQueues"));
        var urls = listed.Root!.Element(Sqs + "ListQueuesResult")!.Elements(Sqs + "QueueUrl").Select(e => e.Value).ToList();
        Assert.Contains(url, urls);
        Assert.Contains(urls, u => u.EndsWith("/statefulspot-events", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FormPost_RoutesOnVersion_Ec2VersionStaysEc2()
    {
        await using var world = await EmulatorHarness.StartAsync();

        // an SQS action with EC2's version is an EC2 request: EC2's InvalidAction envelope, not SQS
        var (status, ec2) = await PostAsync(world, "/", version: "2016-11-15", ("Action", "ListQueues"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Response", ec2.Root!.Name.LocalName);
        Assert.Equal("InvalidAction", ec2.Root.Element("Errors")!.Element("Error")!.Element("Code")!.Value);

        // an EC2 action with SQS's version is an SQS request
        var (sqsStatus, sqs) = await PostAsync(world, "/", ("Action", "DescribeInstances"));
        Assert.Equal(HttpStatusCode.BadRequest, sqsStatus);
        Assert.Equal("InvalidAction", sqs.Root!.Element(Sqs + "Error")!.Element(Sqs + "Code")!.Value);
    }

    private static Task<(HttpStatusCode Status, XDocument Body)> PostAsync(EmulatorHarness world, string path, params (string Name, string Value)[] form) =>
        PostAsync(world, path, "2012-11-05", form);

    private static async Task<(HttpStatusCode Status, XDocument Body)> PostAsync(
        EmulatorHarness world, string path, string version, params (string Name, string Value)[] form)
    {
        using var content = new FormUrlEncodedContent(
            form.Select(f => KeyValuePair.Create(f.Name, f.Value)).Append(KeyValuePair.Create("Version", version)));
        using var response = await world.Http.PostAsync(new Uri(path, UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, XDocument.Parse(text));
    }

    private static XElement? Attribute(XElement parent, string element, string name) =>
        parent.Elements(Sqs + element).SingleOrDefault(e => e.Element(Sqs + "Name")!.Value == name);

    private static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
}
