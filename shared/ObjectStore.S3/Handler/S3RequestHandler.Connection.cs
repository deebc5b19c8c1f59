using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3;

/// <summary>
/// The request's connection edges: the interim 100 Continue a client asked for, and telling the
/// client's own aborts and stalls apart from server errors.
/// </summary>
public sealed partial class S3RequestHandler
{
    /// <summary>The status logged for a request its client abandoned (nginx's "client closed request").</summary>
    private const int ClientClosedRequest = 499;

    private static readonly Func<object, Task> SendOwedContinue = state => SendOwedContinueAsync((S3Call)state);

    /// <summary>
    /// Runs just before the final response starts. A request with <c>Expect: 100-continue</c> and an
    /// empty body never gets Kestrel's 100 Continue (Kestrel sends it when a non-empty body is read);
    /// radosgw and S3 send it, and botocore relies on it (answered directly, it keeps the final status
    /// line as the next response's and misreads the next request on the connection). A non-empty body
    /// left unread is not owed one: that is what the expectation is for (the client never sends the
    /// body), and the error answer closes the connection (<see cref="BodyLeftUnread"/>).
    /// </summary>
    private static async Task SendOwedContinueAsync(S3Call call)
    {
        var request = call.Request;
        if (!HttpProtocol.IsHttp11(request.Protocol) || !ExpectsContinue(request) || !HasEmptyBody(call.Context))
            return;
        if (call.Context.Features.Get<IHttpContinueFeature>() is not { } continueFeature)
            return;
        try
        {
            await continueFeature.SendContinueAsync(call.Aborted);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The client is gone: the final answer will not reach it either, and the connection ends.
        }
    }

    private static bool ExpectsContinue(HttpRequest request)
    {
        foreach (var value in request.Headers.Expect)
            if (string.Equals(value?.Trim(), "100-continue", StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }

    private static bool HasEmptyBody(HttpContext context) =>
        context.Request.ContentLength == 0 || context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false };

    /// <summary>
    /// The client reset or closed the connection (Kestrel's ConnectionResetException or
    /// ConnectionAbortedException anywhere in the chain, or an I/O failure or cancellation once the
    /// request is aborted): its own abort, never a server error.
    /// </summary>
    private static bool IsClientAbort(Exception exception, HttpContext context)
    {
        var aborted = context.RequestAborted.IsCancellationRequested;
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is ConnectionResetException or ConnectionAbortedException)
                return true;
            if (aborted && e is IOException or OperationCanceledException)
                return true;
            if (e is AggregateException aggregate)
                return aggregate.InnerExceptions.All(inner => IsClientAbort(inner, context));
        }
        return false;
    }

    /// <summary>Kestrel's verdict on a body it stopped reading: S3's error for the same case.</summary>
    private static S3ErrorCode BodyError(BadHttpRequestException exception) => exception.StatusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => S3Errors.EntityTooLarge,
        StatusCodes.Status408RequestTimeout => S3Errors.RequestTimeout,
        _ => S3Errors.IncompleteBody,
    };
}
