using System.Net;

namespace ObjectStore.Testing.Throttling;

public sealed partial class ThrottlingTableProxy
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Expect", "Proxy-Connection", "TE", "Trailer", "Upgrade",
    };

    /// <summary>
    /// Sends the call on to Azurite unchanged and copies its answer back (or, <paramref name="timeOutIfApplied"/>, answers an
    /// applied write 500 OperationTimedOut); returns Azurite's status and body.
    /// </summary>
    private async Task<(int Status, byte[] Body)> ForwardAsync(HttpListenerContext context, byte[] body, bool timeOutIfApplied)
    {
        var request = context.Request;
        using var forward = new HttpRequestMessage(new HttpMethod(request.HttpMethod), new Uri(_target, request.RawUrl));
        if (body.Length > 0 || request.HttpMethod is "POST" or "PUT" or "PATCH" or "MERGE")
            forward.Content = new ByteArrayContent(body);
        foreach (var name in request.Headers.AllKeys)
        {
            if (name is null || HopByHop.Contains(name))
                continue;
            var value = request.Headers[name];
            if (!forward.Headers.TryAddWithoutValidation(name, value))
                forward.Content?.Headers.TryAddWithoutValidation(name, value);
        }

        using var answer = await _client.SendAsync(forward, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
        if (timeOutIfApplied && answer.IsSuccessStatusCode && !await HasFailedChangeSetAsync(answer).ConfigureAwait(false))
        {
            await WriteOperationTimedOutAsync(context.Response).ConfigureAwait(false);
            return ((int)answer.StatusCode, []);
        }
        var response = context.Response;
        response.StatusCode = (int)answer.StatusCode;
        if (answer.ReasonPhrase is { Length: > 0 } reason)
            response.StatusDescription = reason;
        foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
        {
            if (HopByHop.Contains(name) || name.Equals("Date", StringComparison.OrdinalIgnoreCase) || name.Equals("Server", StringComparison.OrdinalIgnoreCase))
                continue;
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                response.ContentType = string.Join(", ", values);
            else
                response.Headers[name] = string.Join(", ", values);
        }
        var bytes = await answer.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        response.ContentLength64 = bytes.Length;
        if (bytes.Length > 0)
            await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        response.Close();
        return ((int)answer.StatusCode, bytes);
    }

    private static async Task<bool> HasFailedChangeSetAsync(HttpResponseMessage answer) =>
        answer.StatusCode == HttpStatusCode.Accepted
        && System.Text.RegularExpressions.Regex.IsMatch(await answer.Content.ReadAsStringAsync().ConfigureAwait(false), @"HTTP/1\.1 [45]\d\d ");
}
