using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using StatefulSpot.Emulator.Control;
using StatefulSpot.Emulator.Sqs;

namespace StatefulSpot.Emulator.Hosting;

/// <summary>
/// The routes of the single port: <c>POST /</c> is SQS JSON when it carries <c>X-Amz-Target</c>, SQS Query when its
/// form says <c>Version=2012-11-05</c> (or names an SQS action without a version), else EC2 Query; a form
/// <c>POST /{account}/{queue}</c> (a queue URL) is SQS Query; <c>/_emulator/…</c> is the control API
/// (<see cref="ControlEndpoints"/>).
/// </summary>
internal static class EmulatorEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints, EmulatorRuntime runtime)
    {
        endpoints.MapPost("/", async context =>
        {
            if (context.Request.Headers.ContainsKey(SqsJsonDispatcher.TargetHeader))
            {
                await runtime.Sqs.HandleAsync(context).ConfigureAwait(false);
            }
            else if (await IsSqsQueryAsync(context, runtime).ConfigureAwait(false))
            {
                await runtime.SqsQuery.HandleAsync(context).ConfigureAwait(false);
            }
            else
            {
                await runtime.Ec2.HandleAsync(context).ConfigureAwait(false);
            }
        });
        endpoints.MapPost("/{account}/{queue}", context =>
        {
            var url = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}";
            return runtime.SqsQuery.HandleAsync(context, url);
        });
        ControlEndpoints.Map(endpoints, runtime.Control);
    }

    private static async Task<bool> IsSqsQueryAsync(HttpContext context, EmulatorRuntime runtime)
    {
        if (!context.Request.HasFormContentType)
        {
            return false;
        }

        try
        {
            return runtime.SqsQuery.Accepts(await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false));
        }
        catch (InvalidDataException)
        {
            return false; // a malformed form: the EC2 dispatcher answers it with its error envelope
        }
    }
}
