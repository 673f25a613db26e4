using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StatefulSpot.Silo.Hosting;

namespace StatefulSpot.Silo.Security;

/// <summary>The web host's authentication: the API-key scheme, a policy over it, and a gate in front of every page.</summary>
public static class WebAuthExtensions
{
    /// <summary>
    /// With <see cref="WebAuthOptions.ApiKeys"/> set: registers the <see cref="WebAuthDefaults.Scheme"/> scheme and the
    /// <see cref="WebAuthDefaults.Policy"/> policy, and puts a gate before everything else on the web host (the dashboard
    /// and its log stream, <c>/metrics</c>, any later API) that answers 401 with a challenge unless the request carries a
    /// key. Only <see cref="StatefulSpotTelemetryExtensions.LivePath"/> and <see cref="StatefulSpotTelemetryExtensions.ReadyPath"/>
    /// stay open, for load balancers and orchestrators. Without keys nothing is added (the options' validation decides
    /// whether that is allowed).
    /// </summary>
    public static WebApplicationBuilder AddStatefulSpotWebAuth(this WebApplicationBuilder builder, WebAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsRequired)
        {
            return builder;
        }

        var keys = options.ApiKeys.ToList();
        builder.Services.AddAuthentication(WebAuthDefaults.Scheme)
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(WebAuthDefaults.Scheme, o => o.SetKeys(keys));
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(WebAuthDefaults.Policy, policy => policy.AddAuthenticationSchemes(WebAuthDefaults.Scheme).RequireAuthenticatedUser());

        // First among the startup filters, so that its middleware runs before the ones other filters add (/metrics).
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IStartupFilter, WebAuthGate>());
        return builder;
    }

    /// <summary>Whether <paramref name="path"/> is served without a key: the two health endpoints, nothing else.</summary>
    public static bool IsOpen(PathString path) =>
        path.Equals(StatefulSpotTelemetryExtensions.LivePath, StringComparison.OrdinalIgnoreCase)
        || path.Equals(StatefulSpotTelemetryExtensions.ReadyPath, StringComparison.OrdinalIgnoreCase);

    private sealed class WebAuthGate : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (IsOpen(context.Request.Path))
                {
                    await nextMiddleware(context);
                    return;
                }

                var result = await context.AuthenticateAsync(WebAuthDefaults.Scheme);
                if (result.Succeeded)
                {
                    context.User = result.Principal;
                    await nextMiddleware(context);
                }
                else
                {
                    await context.ChallengeAsync(WebAuthDefaults.Scheme);
                }
            });
            next(app);
        };
    }
}
