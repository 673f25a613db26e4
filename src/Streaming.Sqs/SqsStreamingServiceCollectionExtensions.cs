using Microsoft.Extensions.DependencyInjection;

namespace StatefulSpot.Streaming.Sqs;

/// <summary>Registers the services an SQS stream provider uses.</summary>
public static class SqsStreamingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TAdapter"/> as the <see cref="ISqsMessageAdapter"/> of the SQS
    /// stream provider <paramref name="providerName"/> (a keyed singleton).
    /// </summary>
    public static IServiceCollection AddSqsMessageAdapter<TAdapter>(this IServiceCollection services, string providerName)
        where TAdapter : class, ISqsMessageAdapter
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        return services.AddKeyedSingleton<ISqsMessageAdapter, TAdapter>(providerName);
    }
}
