using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ObjectStore.Background.Notifications;
using ObjectStore.Testing;

namespace ObjectStore.IntegrationTests.Notifications;

/// <summary>One request the receiver accepted (2xx) or refused.</summary>
public sealed record WebhookDelivery(string EventId, string Body, string? Signature, int Attempt, DateTimeOffset ReceivedAt, bool Accepted)
{
    /// <summary>The first S3 event record of the body, or default for an s3:TestEvent.</summary>
    public JsonElement Record
    {
        get
        {
            using var doc = JsonDocument.Parse(Body);
            return doc.RootElement.TryGetProperty("Records", out var records) ? records[0].Clone() : default;
        }
    }

    public bool IsTestEvent
    {
        get
        {
            using var doc = JsonDocument.Parse(Body);
            return doc.RootElement.TryGetProperty("Event", out var e) && e.GetString() == "s3:TestEvent";
        }
    }

    public string EventName => Record.GetProperty("eventName").GetString()!;
    public JsonElement Object => Record.GetProperty("s3").GetProperty("object");
    public string Key => Uri.UnescapeDataString(Object.GetProperty("key").GetString()!.Replace('+', ' '));
}

/// <summary>
/// A real HTTP endpoint (Kestrel on 127.0.0.1, a free port) that records every webhook request. What
/// it answers is up to the test (<see cref="Respond"/>): a status code, or a delay past the webhook timeout.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<WebhookDelivery> _requests = new();

    private WebhookReceiver(WebApplication app, int port)
    {
        _app = app;
        Url = new Uri($"http://127.0.0.1:{port}/hook");
    }

    public Uri Url { get; }

    /// <summary>The status to answer the next request with (default 200).</summary>
    public Func<int> Respond { get; set; } = () => 200;

    /// <summary>Every request, accepted or refused, in arrival order.</summary>
    public IReadOnlyList<WebhookDelivery> Requests => [.. _requests];

    /// <summary>The requests answered 2xx that carry an S3 event record (not test events).</summary>
    public IReadOnlyList<WebhookDelivery> Accepted => Requests.Where(r => r.Accepted && !r.IsTestEvent).ToList();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var port = LoopbackPort.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, port);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var status = Respond();
        var attempt = int.TryParse(context.Request.Headers[WebhookDestination.AttemptHeader], out var a) ? a : 0;
        _requests.Enqueue(new WebhookDelivery(context.Request.Headers[WebhookDestination.EventIdHeader].ToString(), body,
            context.Request.Headers[WebhookDestination.SignatureHeader].FirstOrDefault(), attempt, DateTimeOffset.UtcNow, status is >= 200 and < 300));
        context.Response.StatusCode = status;
    }

    /// <summary>Waits until <paramref name="done"/> holds for the accepted event deliveries; fails with what arrived otherwise.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> WaitForAsync(Func<IReadOnlyList<WebhookDelivery>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var accepted = Accepted;
            if (done(accepted))
                return accepted;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"The webhook did not receive the expected events within {timeout.TotalSeconds} s; it received {Requests.Count} requests: " +
                            string.Join(" | ", Requests.Select(r => $"{(r.Accepted ? "ok" : "refused")} {r.Body}")));
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
