using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StatefulSpot.Emulator.Core;
using StatefulSpot.Emulator.Ec2.Actions;
using StatefulSpot.Emulator.Ec2.Query;
using StatefulSpot.Emulator.Ec2.Xml;
using StatefulSpot.Emulator.Faults;
using StatefulSpot.Emulator.Throttling;

namespace StatefulSpot.Emulator.Ec2;

/// <summary>
/// Serves the EC2 Query protocol: <c>POST /</c> with a form body, routed on <c>Action=</c>; answers
/// <c>text/xml</c> with <c>x-amzn-RequestId</c>, or the EC2 error envelope with the status of the error.
/// A call passes throttling, then injected faults, then waits its (scaled) latency, then runs atomically under the
/// world lock (a shared read lock for read-only actions, so Describe calls run in parallel). Signatures are not checked.
/// </summary>
internal sealed partial class Ec2QueryDispatcher(
    WorldGate gate, Ec2ActionTable actions, Ec2Throttle throttle, FaultInjector faults, SimulatedDurations durations, TimeProvider time,
    ILogger<Ec2QueryDispatcher> logger)
{
    private const string ContentType = "text/xml;charset=UTF-8";

    public async Task HandleAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        var response = context.Response;
        response.Headers["x-amzn-RequestId"] = requestId;
        var action = "";
        try
        {
            var form = context.Request.HasFormContentType
                ? await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false)
                : FormCollection.Empty;
            var pairs = form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? "")))
                .Concat(context.Request.Query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? ""))));
            var request = QueryNode.Parse(pairs);
            action = request.String("Action") ?? "";
            if (action.Length == 0)
            {
                throw Ec2Errors.MissingAction();
            }

            var entry = actions.Find(action) ?? throw Ec2Errors.InvalidAction(action);
            throttle.CountCall(action);
            if (request.Bool("DryRun") == true)
            {
                throw Ec2Errors.DryRun();
            }

            if (!throttle.TryAcquire(action, request))
            {
                throw Ec2Errors.RequestLimitExceeded();
            }

            var fault = faults.Decide(action);
            var latency = durations.CallLatency(action) + fault.ExtraLatency;
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, time, context.RequestAborted).ConfigureAwait(false);
            }

            if (fault is { Error: { } before, AfterExecution: false })
            {
                throw before;
            }

            using var xml = entry.Mutates
                ? gate.Write(state => Run(entry, request, state, action, requestId))
                : gate.Read(state => Run(entry, request, state, action, requestId));
            if (fault.Error is { } after)
            {
                throw after;
            }

            var body = xml.End();
            LogCall(action, StatusCodes.Status200OK);
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = ContentType;
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // client went away
        }
        catch (Ec2Exception error)
        {
            LogError(action, error.StatusCode, error.Code, error.Message);
            await WriteErrorAsync(response, error, requestId, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            LogUnhandled(error, action);
            await WriteErrorAsync(response, Ec2Errors.InternalError(), requestId, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the action inside the gate; the caller ends and writes out the response after leaving it.</summary>
    private static Ec2XmlWriter Run(Ec2ActionEntry entry, QueryNode request, EmulatorState state, string action, string requestId)
    {
        var xml = Ec2XmlWriter.ForResponse(action, requestId);
        try
        {
            entry.Handler(new Ec2Call(request, state, xml));
            return xml;
        }
        catch
        {
            xml.Dispose();
            throw;
        }
    }

    private static async Task WriteErrorAsync(HttpResponse response, Ec2Exception error, string requestId, CancellationToken cancellation)
    {
        response.StatusCode = error.StatusCode;
        response.ContentType = ContentType;
        await response.Body.WriteAsync(Ec2XmlWriter.Error(error.Code, error.Message, requestId), cancellation).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "EC2 {Action} -> {StatusCode}")]
    private partial void LogCall(string action, int statusCode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "EC2 {Action} -> {StatusCode} {ErrorCode}: {ErrorMessage}")]
    private partial void LogError(string action, int statusCode, string errorCode, string errorMessage);

    [LoggerMessage(Level = LogLevel.Error, Message = "EC2 {Action} failed unexpectedly")]
    private partial void LogUnhandled(Exception exception, string action);
}
