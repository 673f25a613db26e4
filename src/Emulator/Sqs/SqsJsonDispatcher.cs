using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace StatefulSpot.Emulator.Sqs;

/// <summary>
/// Serves SQS over AWS JSON 1.0: routes on <c>X-Amz-Target: AmazonSQS.&lt;Operation&gt;</c>, answers
/// <c>application/x-amz-json-1.0</c> with <c>x-amzn-RequestId</c>; errors carry <c>__type</c> and <c>x-amzn-query-error</c>.
/// </summary>
internal sealed partial class SqsJsonDispatcher(SqsActions actions, ILogger<SqsJsonDispatcher> logger, CancellationToken stopping)
{
    public const string TargetHeader = "X-Amz-Target";
    private const string TargetPrefix = "AmazonSQS.";
    private const string ContentType = "application/x-amz-json-1.0";

    private readonly IReadOnlyDictionary<string, SqsAction> _actions = actions.All();

    public async Task HandleAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        var response = context.Response;
        response.Headers["x-amzn-RequestId"] = requestId;
        var target = context.Request.Headers[TargetHeader].ToString();
        var operation = target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : target;
        try
        {
            if (!_actions.TryGetValue(operation, out var action))
            {
                throw SqsErrors.UnknownOperation(target);
            }

            using var document = await ParseAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
            using var body = new MemoryStream();
            await using (var json = new Utf8JsonWriter(body))
            {
                var serviceUrl = $"{context.Request.Scheme}://{context.Request.Host}/";
                using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
                await action(new SqsCall(new SqsRequest(document.RootElement), json, serviceUrl, ending.Token)).ConfigureAwait(false);
            }

            LogCall(operation, StatusCodes.Status200OK);
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = ContentType;
            await response.Body.WriteAsync(body.ToArray(), context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the client went away during a long poll
        }
        catch (SqsException error)
        {
            LogError(operation, error.StatusCode, error.Type, error.Message);
            await WriteErrorAsync(response, error, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            LogUnhandled(error, operation);
            await WriteErrorAsync(response, SqsErrors.InternalError(), context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static async Task<JsonDocument> ParseAsync(HttpRequest request, CancellationToken cancellation)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellation).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return JsonDocument.Parse("{}");
        }

        try
        {
            var document = JsonDocument.Parse(buffer.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw SqsErrors.SerializationError("The request body must be a JSON object.");
            }

            return document;
        }
        catch (JsonException e)
        {
            throw SqsErrors.SerializationError(e.Message);
        }
    }

    private static async Task WriteErrorAsync(HttpResponse response, SqsException error, CancellationToken cancellation)
    {
        response.StatusCode = error.StatusCode;
        response.ContentType = ContentType;
        if (error.QueryCode is not null)
        {
            response.Headers["x-amzn-query-error"] = error.QueryCode + (error.SenderFault ? ";Sender" : ";Receiver");
        }

        using var body = new MemoryStream();
        await using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("__type", error.Type);
            json.WriteString("message", error.Message);
            json.WriteEndObject();
        }

        await response.Body.WriteAsync(body.ToArray(), cancellation).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "SQS {Operation} -> {StatusCode}")]
    private partial void LogCall(string operation, int statusCode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SQS {Operation} -> {StatusCode} {ErrorType}: {ErrorMessage}")]
    private partial void LogError(string operation, int statusCode, string errorType, string errorMessage);

    [LoggerMessage(Level = LogLevel.Error, Message = "SQS {Operation} failed unexpectedly")]
    private partial void LogUnhandled(Exception exception, string operation);
}
