using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using StatefulSpot.Streaming.Sqs;

namespace StatefulSpot.Unit.Tests.Streaming;

public sealed class SqsBatchContainerSerializationTests
{
    [Fact]
    public async Task BatchContainer_RoundTripsThroughTheOrleansSerializer_WithoutTheReceiptHandle()
    {
        await using var provider = await SqsProviderHarness.StartAsync();
        var message = Assert.Single(provider.Sqs.Enqueue("i-1=first;i-1=second"));
        var batch = Assert.IsType<SqsBatchContainer>(Assert.Single(await provider.ReceiveAsync()));
        await using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();

        var bytes = serializer.SerializeToArray(batch);
        var copy = serializer.Deserialize<SqsBatchContainer>(bytes);

        Assert.NotNull(copy);

        Assert.Equal(batch.StreamId, copy.StreamId);
        Assert.Equal(["first", "second"], copy.Events);
        Assert.Equal(batch.Token, copy.Token);
        Assert.Equal(message.MessageId, copy.SqsMessageId);
        Assert.Equal(
            batch.GetEvents<string>().Select(e => (e.Item1, e.Item2)),
            copy.GetEvents<string>().Select(e => (e.Item1, e.Item2)));
        Assert.DoesNotContain(message.ReceiptHandle, Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void BatchContainer_CarriesAStableAlias()
    {
        var container = new SqsBatchContainer(TestMessageAdapter.Stream("i-1"), ["x"], new EventSequenceTokenV2(3), null);
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();

        var bytes = services.GetRequiredService<Serializer>().SerializeToArray<object>(container);

        Assert.Contains("statefulspot.sqs-batch", Encoding.UTF8.GetString(bytes));
    }
}
