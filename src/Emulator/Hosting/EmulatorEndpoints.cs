using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using StatefulSpot.Emulator.Control;
using StatefulSpot.Emulator.Sqs;

namespace StatefulSpot.Emulator.Hosting;

/// <summary>
/// The routes of the single port: <c>POST /</c> is SQS when it carries <c>X-Amz-Target</c>, else EC2 Query;
/// <c>/_emulator/…</c> is the control API (<see cref="ControlEndpoints"/>).
/// </summary>
internal static class EmulatorEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints, EmulatorRuntime runtime)
    {
        endpoints.MapPost("/", context => context.Request.Headers.ContainsKey(SqsJsonDispatcher.TargetHeader)
            ? runtime.Sqs.HandleAsync(context)
            : runtime.Ec2.HandleAsync(context));
        ControlEndpoints.Map(endpoints, runtime.Control);
    }
}
