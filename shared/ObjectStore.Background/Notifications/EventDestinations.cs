using System.Collections.Frozen;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using ObjectStore.Queues;

namespace ObjectStore.Background.Notifications;

/// <summary>A destination the operator defined: where a message goes, and how.</summary>
public abstract class EventDestination(string name, string arn)
{
    public string Name { get; } = name;
    public string Arn { get; } = arn;
    public abstract string Kind { get; }
    /// <summary>Where it sends (the webhook URL or the queue name), for the admin listing; never a secret.</summary>
    public abstract string Target { get; }

    /// <summary>Delivers one message; throws when the destination did not take it.</summary>
    public abstract Task DeliverAsync(EventMessage message, CancellationToken cancellationToken);
}

/// <summary>POSTs the event document; 2xx is success. Signs the body when a secret is set.</summary>
public sealed class WebhookDestination(string name, string arn, WebhookDestinationOptions options, HttpClient http) : EventDestination(name, arn)
{
    public const string SignatureHeader = "X-ObjectStore-Signature";
    public const string EventIdHeader = "X-ObjectStore-Event-Id";
    public const string AttemptHeader = "X-ObjectStore-Attempt";

    public override string Kind => "webhook";
    public override string Target => options.Url;
    public bool Signed => !string.IsNullOrEmpty(options.Secret);

    public override async Task DeliverAsync(EventMessage message, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
        var body = Encoding.UTF8.GetBytes(message.Body);
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(EventIdHeader, message.EventId);
        request.Headers.Add(AttemptHeader, (message.Attempts + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (Signed)
            request.Headers.Add(SignatureHeader, Sign(options.Secret!, body));
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"Webhook '{Name}' answered {(int)response.StatusCode}.", null, response.StatusCode);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Webhook '{Name}' did not answer within {options.TimeoutSeconds} s.");
        }
    }

    /// <summary>"sha256=" + lowercase hex HMAC-SHA256 of the body under the secret.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}

/// <summary>Sends the event document as a message of a queue (an Azure Storage queue, created on first use).</summary>
public sealed class QueueDestination(string name, string arn, IMessageQueue queue) : EventDestination(name, arn)
{
    private volatile bool _created;

    public override string Kind => "queue";
    public override string Target => queue.Name;

    public override async Task DeliverAsync(EventMessage message, CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await queue.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            _created = true;
        }
        await queue.SendAsync(message.Body, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The operator's destinations by ARN.</summary>
public sealed class EventDestinations
{
    private readonly FrozenDictionary<string, EventDestination> _byArn;

    public EventDestinations(IEnumerable<EventDestination> destinations) =>
        _byArn = destinations.ToFrozenDictionary(d => d.Arn, StringComparer.Ordinal);

    public IReadOnlyCollection<EventDestination> All => _byArn.Values;

    public EventDestination? Find(string arn) => _byArn.GetValueOrDefault(arn);

    public static string WebhookArn(string name) => "arn:objectstore:webhook::" + name;

    public static string QueueArn(string name) => "arn:objectstore:queue::" + name;

    /// <summary>
    /// The destinations the options define. <paramref name="queue"/> opens a destination queue from its
    /// name, whether its consumer expects base64 (<see cref="QueueDestinationOptions.MessageEncoding"/>)
    /// and its connection (empty: the store's own account).
    /// </summary>
    public static EventDestinations FromOptions(NotificationOptions options, HttpClient http, Func<string, bool, string?, IMessageQueue> queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(options);
        var list = new List<EventDestination>();
        foreach (var (name, webhook) in options.Webhooks)
            list.Add(new WebhookDestination(name, webhook.Arn ?? WebhookArn(name), webhook, http));
        foreach (var (name, destination) in options.Queues)
        {
            var base64 = string.Equals(destination.MessageEncoding, "base64", StringComparison.OrdinalIgnoreCase);
            list.Add(new QueueDestination(name, destination.Arn ?? QueueArn(name), queue(destination.QueueName, base64, destination.Connection)));
        }
        return new EventDestinations(list);
    }
}
