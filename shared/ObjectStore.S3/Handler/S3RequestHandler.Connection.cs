using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ObjectStore.S3;

/// <summary>
/// The request's connection edges: the interim 100 Continue a client asked for, and telling the
/// client's own aborts and stalls apart from server errors.
/// </summary>
public sealed partial class S3RequestHandler
{
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
}
