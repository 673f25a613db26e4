using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace StatefulSpot.Emulator.Control;

/// <summary>
/// The control API under <c>/_emulator/</c> (JSON, camelCase): world snapshot, Spot signals, capacity, faults, time
/// scale, throttling. Errors answer <c>{status, message}</c>: 404 unknown resource, 409 wrong situation, 400 bad request.
/// </summary>
internal static class ControlEndpoints
{
    public const string Prefix = "/_emulator";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Map(IEndpointRouteBuilder endpoints, WorldControl control)
    {
        endpoints.MapGet(Prefix + "/world", context => Answer(context, () => control.Snapshot(BaseUrl(context))));

        endpoints.MapPost(Prefix + "/instances/{instanceId}/interrupt", context => Answer(context, () => control.Interrupt(Route(context, "instanceId"))));
        endpoints.MapPost(Prefix + "/instances/{instanceId}/rebalance", context => Answer<RebalanceRequest, RebalanceNotice>(context,
            body => control.RecommendRebalance(Route(context, "instanceId"), Seconds(body?.InterruptAfterSeconds))));
        endpoints.MapPost(Prefix + "/instances/{instanceId}/health-event", context => Answer<HealthRequest, HealthEventNotice>(context,
            body => control.ScheduleHealthEvent(Route(context, "instanceId"), HealthEvent(body))));
        endpoints.MapPost(Prefix + "/pools/{instanceType}/{zone}/interrupt", context => Answer<PoolInterruptRequest, CapacityChange>(context,
            body => control.InterruptPool(Route(context, "instanceType"), Route(context, "zone"), Seconds(body?.RebalanceLeadSeconds))));

        endpoints.MapGet(Prefix + "/capacity", context => Answer(context, () => control.Capacity()
            .Select(p => new CapacityPoolInfo(p.InstanceType, p.Zone, p.Market, p.Capacity, p.InUse)).ToList()));
        endpoints.MapPut(Prefix + "/capacity", context => Answer<CapacityRequest, CapacityChange>(context, body => control.SetCapacity(
            Required(body?.InstanceType, "instanceType"), Required(body?.AvailabilityZone, "availabilityZone"), Required(body?.Market, "market"),
            body!.Capacity, Seconds(body.RebalanceLeadSeconds))));

        endpoints.MapGet(Prefix + "/faults", context => Answer(context, control.Faults));
        endpoints.MapDelete(Prefix + "/faults", context => Answer(context, () =>
        {
            control.ClearFaults();
            return control.Faults();
        }));
        endpoints.MapPost(Prefix + "/faults/actions", context => Answer<FaultRequest, FaultsInfo>(context, body =>
        {
            control.InjectFault((body ?? throw new ArgumentException("A fault body is required.")).ToFault());
            return control.Faults();
        }));
        endpoints.MapPut(Prefix + "/faults/eventual-consistency", context => Answer<ConsistencyRequest, FaultsInfo>(context, body =>
        {
            control.SetEventualConsistencyWindow(TimeSpan.FromMilliseconds((body ?? throw new ArgumentException("'windowMs' is required.")).WindowMs));
            return control.Faults();
        }));
        endpoints.MapPost(Prefix + "/volumes/{volumeId}/stuck-detaching", context => Answer(context, () =>
        {
            control.SetVolumeStuckDetaching(Route(context, "volumeId"));
            return control.Faults();
        }));

        endpoints.MapGet(Prefix + "/time-scale", context => Answer(context, () => new TimeScaleRequest(control.TimeScale)));
        endpoints.MapPut(Prefix + "/time-scale", context => Answer<TimeScaleRequest, TimeScaleRequest>(context, body =>
        {
            control.SetTimeScale((body ?? throw new ArgumentException("'timeScale' is required.")).TimeScale);
            return new TimeScaleRequest(control.TimeScale);
        }));

        endpoints.MapGet(Prefix + "/throttling", context => Answer(context, control.Throttling));
        endpoints.MapPut(Prefix + "/throttling", context => Answer<ThrottlingRequest, ThrottlingInfo>(context, body =>
        {
            var request = body ?? throw new ArgumentException("'enabled' is required.");
            control.ConfigureThrottling(request.Enabled, request.Scale ?? control.Throttling().Scale);
            return control.Throttling();
        }));
        endpoints.MapDelete(Prefix + "/throttling/counters", context => Answer(context, () =>
        {
            control.ResetThrottlingCounters();
            return control.Throttling();
        }));
    }

    private static Task Answer<T>(HttpContext context, Func<T> action) => Answer<object, T>(context, _ => action(), readBody: false);

    private static async Task Answer<TBody, T>(HttpContext context, Func<TBody?, T> action, bool readBody = true)
        where TBody : class
    {
        try
        {
            var body = readBody && context.Request.ContentLength is not 0
                ? await ReadBodyAsync<TBody>(context).ConfigureAwait(false)
                : null;
            await context.Response.WriteAsJsonAsync(action(body), Json, context.RequestAborted).ConfigureAwait(false);
        }
        catch (KeyNotFoundException e)
        {
            await ProblemAsync(context, StatusCodes.Status404NotFound, e.Message).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            await ProblemAsync(context, StatusCodes.Status409Conflict, e.Message).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or JsonException or BadHttpRequestException)
        {
            await ProblemAsync(context, StatusCodes.Status400BadRequest, e.Message).ConfigureAwait(false);
        }
    }

    private static async Task<TBody?> ReadBodyAsync<TBody>(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        return string.IsNullOrWhiteSpace(text) ? default : JsonSerializer.Deserialize<TBody>(text, Json);
    }

    private static Task ProblemAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ControlError(status, message), Json, context.RequestAborted);
    }

    private static string Route(HttpContext context, string name) => (string)context.Request.RouteValues[name]!;

    private static string Required(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"'{name}' is required.") : value;

    private static TimeSpan? Seconds(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;

    private static HealthEventRequest HealthEvent(HealthRequest? body)
    {
        var request = new HealthEventRequest();
        return body is null
            ? request
            : request with
            {
                EventTypeCode = body.EventTypeCode ?? request.EventTypeCode,
                StartsIn = Seconds(body.StartsInSeconds) ?? request.StartsIn,
                Duration = Seconds(body.DurationSeconds) ?? request.Duration,
                Description = body.Description,
            };
    }

    private static string BaseUrl(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}/";

    private sealed record ControlError(int Status, string Message);
}
