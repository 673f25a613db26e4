using Microsoft.Extensions.DependencyInjection;

namespace StatefulSpot.Client;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="StatefulSpotClient"/> over the <see cref="IClusterClient"/> the host already has
    /// (a silo's own, or one added with UseOrleansClient).
    /// </summary>
    public static IServiceCollection AddStatefulSpotClient(this IServiceCollection services) =>
        services.AddSingleton(sp => new StatefulSpotClient(sp.GetRequiredService<IClusterClient>()));
}
