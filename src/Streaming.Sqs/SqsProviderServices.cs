using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;

namespace StatefulSpot.Streaming.Sqs;

/// <summary>Finds the services a provider needs: keyed by the provider name first, else unkeyed.</summary>
internal static class SqsProviderServices
{
    public static IAmazonSQS GetSqsClient(IServiceProvider services, string providerName) =>
        services.GetKeyedService<IAmazonSQS>(providerName)
        ?? services.GetService<IAmazonSQS>()
        ?? throw new OrleansConfigurationException(MissingClientMessage(providerName));

    public static ISqsMessageAdapter GetMessageAdapter(IServiceProvider services, string providerName) =>
        services.GetKeyedService<ISqsMessageAdapter>(providerName)
        ?? services.GetService<ISqsMessageAdapter>()
        ?? throw new OrleansConfigurationException(MissingAdapterMessage(providerName));

    private static string MissingClientMessage(string providerName) =>
        $"SQS stream provider '{providerName}' needs an {nameof(IAmazonSQS)} client: register one keyed by \"{providerName}\" " +
        $"(services.AddKeyedSingleton<{nameof(IAmazonSQS)}>(\"{providerName}\", ...)) or an unkeyed one.";

    private static string MissingAdapterMessage(string providerName) =>
        $"SQS stream provider '{providerName}' needs an {nameof(ISqsMessageAdapter)} to turn SQS messages into stream events: " +
        $"register one with services.AddSqsMessageAdapter<TAdapter>(\"{providerName}\") or as an unkeyed singleton.";

    /// <summary>Fails silo start-up early, with a clear message, when a required service is missing.</summary>
    internal sealed class Validator(IServiceProvider services, string providerName) : IConfigurationValidator
    {
        public void ValidateConfiguration()
        {
            if (services.GetService<IServiceProviderIsKeyedService>() is not { } registry)
            {
                return; // The container cannot tell; the factory reports a missing service when it runs.
            }

            if (!IsRegistered(registry, typeof(IAmazonSQS)))
            {
                throw new OrleansConfigurationException(MissingClientMessage(providerName));
            }

            if (!IsRegistered(registry, typeof(ISqsMessageAdapter)))
            {
                throw new OrleansConfigurationException(MissingAdapterMessage(providerName));
            }
        }

        private bool IsRegistered(IServiceProviderIsKeyedService registry, Type serviceType) =>
            registry.IsKeyedService(serviceType, providerName) || registry.IsService(serviceType);
    }
}
