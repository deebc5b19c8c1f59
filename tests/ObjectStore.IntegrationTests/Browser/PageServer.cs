using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ObjectStore.Testing;

namespace ObjectStore.IntegrationTests.Browser;

/// <summary>
/// The web site of the browser tests: Kestrel on 127.0.0.1 and its own free port (an origin other than
/// the object store's). Serves the pages a test registers, and /done, which shows its query string (the
/// target of success_action_redirect).
/// </summary>
public sealed class PageServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _pages = new(StringComparer.Ordinal);

    private PageServer(WebApplication app, int port)
    {
        _app = app;
        Origin = $"http://127.0.0.1:{port}";
    }

    /// <summary>"http://127.0.0.1:port", as the browser names it in Origin headers.</summary>
    public string Origin { get; }

    public Uri Add(string path, string html)
    {
        _pages[path] = html;
        return new Uri(Origin + path);
    }

    public static async Task<PageServer> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackPort.Free();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
            var app = builder.Build();
            var server = new PageServer(app, port);
            app.Run(server.ServeAsync);
            try
            {
                await app.StartAsync();
                return server;
            }
            catch (IOException) when (attempt < 3)
            {
                await app.DisposeAsync(); // the port was taken in between: another one
            }
        }
    }

    private async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        context.Response.ContentType = "text/html; charset=utf-8";
        if (path == "/done")
        {
            await context.Response.WriteAsync($"<!doctype html><html><body><pre id=\"result\">redirected {WebUtility.HtmlEncode(context.Request.QueryString.Value)}</pre></body></html>");
            return;
        }
        if (!_pages.TryGetValue(path, out var html))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        await context.Response.WriteAsync(html);
    }

    /// <summary>The text of the page's <c>&lt;pre id="result"&gt;</c> in a DOM chromium printed.</summary>
    public static string Result(string dom)
    {
        var match = System.Text.RegularExpressions.Regex.Match(dom, "<pre id=\"result\">(.*?)</pre>", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(match.Success, "The page shows no result: " + dom);
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
