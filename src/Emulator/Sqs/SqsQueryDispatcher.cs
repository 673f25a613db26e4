using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace StatefulSpot.Emulator.Sqs;

/// <summary>
/// Serves SQS over the Query protocol (what botocore-based CLIs such as Debian's aws-cli 2.9 send): a form POST with
/// <c>Action=</c> and <c>Version=2012-11-05</c>, to <c>/</c> with a <c>QueueUrl</c> member or to the queue URL's path.
/// The form becomes the operation's JSON body (<see cref="SqsQueryRequest"/>), the same operations run as for SQS
/// JSON, and their JSON answer is written as Query XML (<see cref="SqsQueryXml"/>); errors carry the Query code
/// (<c>AWS.SimpleQueueService.NonExistentQueue</c>, …) with the JSON protocol's HTTP status.
/// </summary>
internal sealed partial class SqsQueryDispatcher(SqsActions actions, ILogger<SqsQueryDispatcher> logger, CancellationToken stopping)
{
    public const string Version = "2012-11-05";
    private const string ContentType = "text/xml";

    private readonly IReadOnlyDictionary<string, SqsAction> _actions = actions.All();

    /// <summary>
    /// Whether a form POST to <c>/</c> is SQS Query rather than EC2 Query: <c>Version=2012-11-05</c>, or no EC2 version
    /// and an SQS action name (the two APIs share no action name).
    /// </summary>
    public bool Accepts(IFormCollection form)
    {
        var version = form["Version"].ToString();
        return version == Version || (version.Length == 0 && _actions.ContainsKey(form["Action"].ToString()));
    }

    /// <param name="pathQueueUrl">The queue URL when the request was posted to it (the default for <c>QueueUrl</c>).</param>
    public async Task HandleAsync(HttpContext context, string? pathQueueUrl = null)
    {
        var requestId = Guid.NewGuid().ToString();
        var response = context.Response;
        response.Headers["x-amzn-RequestId"] = requestId;
        var operation = "";
        try
        {
            var form = context.Request.HasFormContentType
                ? await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false)
                : FormCollection.Empty;
            operation = form["Action"].ToString();
            if (operation.Length == 0)
            {
                throw SqsErrors.MissingParameter("Action");
            }

            if (!_actions.TryGetValue(operation, out var action))
            {
                throw SqsErrors.InvalidAction(operation);
            }

            using var request = SqsQueryRequest.ToJson(form, pathQueueUrl);
            using var body = new MemoryStream();
            await using (var json = new Utf8JsonWriter(body))
            {
                var serviceUrl = $"{context.Request.Scheme}://{context.Request.Host}/";
                using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
                await action(new SqsCall(new SqsRequest(request.RootElement), json, serviceUrl, ending.Token)).ConfigureAwait(false);
            }

            using var result = JsonDocument.Parse(body.ToArray());
            var xml = SqsQueryXml.Response(operation, result.RootElement, requestId);
            LogCall(operation, StatusCodes.Status200OK);
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = ContentType;
            response.ContentLength = xml.Length;
            await response.Body.WriteAsync(xml, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the client went away during a long poll
        }
        catch (SqsException error)
        {
            LogError(operation, error.StatusCode, SqsQueryXml.Code(error), error.Message);
            await WriteErrorAsync(response, error, requestId, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            LogUnhandled(error, operation);
            await WriteErrorAsync(response, SqsErrors.InternalError(), requestId, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static async Task WriteErrorAsync(HttpResponse response, SqsException error, string requestId, CancellationToken cancellation)
    {
        var xml = SqsQueryXml.Error(error, requestId);
        response.StatusCode = error.StatusCode;
        response.ContentType = ContentType;
        response.ContentLength = xml.Length;
        await response.Body.WriteAsync(xml, cancellation).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "SQS Query {Operation} -> {StatusCode}")]
    private partial void LogCall(string operation, int statusCode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SQS Query {Operation} -> {StatusCode} {ErrorCode}: {ErrorMessage}")]
    private partial void LogError(string operation, int statusCode, string errorCode, string errorMessage);

    [LoggerMessage(Level = LogLevel.Error, Message = "SQS Query {Operation} failed unexpectedly")]
    private partial void LogUnhandled(Exception exception, string operation);
}
