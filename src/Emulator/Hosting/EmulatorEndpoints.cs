using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using StatefulSpot.Emulator.Sqs;

namespace StatefulSpot.Emulator.Hosting;

/// <summary>
/// The routes of the single port: <c>POST /</c> is SQS when it carries <c>X-Amz-Target</c>, else EC2 Query;
/// <c>/_emulator/…</c> is the control API (world snapshot, Spot interruption).
/// </summary>
internal static class EmulatorEndpoints
{
    public const string WorldPath = "/_emulator/world";
    public const string InterruptPath = "/_emulator/instances/{instanceId}/interrupt";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Map(IEndpointRouteBuilder endpoints, EmulatorRuntime runtime)
    {
        endpoints.MapPost("/", context => context.Request.Headers.ContainsKey(SqsJsonDispatcher.TargetHeader)
            ? runtime.Sqs.HandleAsync(context)
            : runtime.Ec2.HandleAsync(context));

        endpoints.MapGet(WorldPath, context =>
            context.Response.WriteAsJsonAsync(runtime.Snapshot(BaseUrl(context)), Json, context.RequestAborted));

        endpoints.MapPost(InterruptPath, async context =>
        {
            var instanceId = (string)context.Request.RouteValues["instanceId"]!;
            try
            {
                var notice = runtime.Interrupt(instanceId);
                await context.Response.WriteAsJsonAsync(notice, Json, context.RequestAborted).ConfigureAwait(false);
            }
            catch (KeyNotFoundException e)
            {
                await ProblemAsync(context, StatusCodes.Status404NotFound, e.Message).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                await ProblemAsync(context, StatusCodes.Status409Conflict, e.Message).ConfigureAwait(false);
            }
        });
    }

    private static Task ProblemAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ControlError(status, message), Json, context.RequestAborted);
    }

    private static string BaseUrl(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}/";

    private sealed record ControlError(int Status, string Message);
}
