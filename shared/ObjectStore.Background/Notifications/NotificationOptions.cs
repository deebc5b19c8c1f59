namespace ObjectStore.Background.Notifications;

/// <summary>
/// Operator settings of event notifications, bound from the configuration section
/// <c>ObjectStore:Notifications</c> (app settings / environment: <c>ObjectStore__Notifications__...</c>).
/// Destinations are defined here only, never by bucket users, so no request can make the server call
/// an address the operator did not name.
/// </summary>
public sealed class NotificationOptions
{
    public const string SectionName = "ObjectStore:Notifications";

    /// <summary>Webhooks by name; each is <c>arn:objectstore:webhook::{name}</c> unless it sets its own Arn.</summary>
    public Dictionary<string, WebhookDestinationOptions> Webhooks { get; } = new(StringComparer.Ordinal);

    /// <summary>Azure Storage queues by name; each is <c>arn:objectstore:queue::{name}</c> unless it sets its own Arn.</summary>
    public Dictionary<string, QueueDestinationOptions> Queues { get; } = new(StringComparer.Ordinal);

    /// <summary>Delivery attempts before a message moves to the poison queue.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Delay before the second attempt; it doubles with each further attempt up to <see cref="BackoffMaxSeconds"/>.</summary>
    public double BackoffBaseSeconds { get; set; } = 5;

    public double BackoffMaxSeconds { get; set; } = 600;

    /// <summary>Move outbox rows to the events queue right after the commit (off: the sweep moves every row).</summary>
    public bool FastPath { get; set; } = true;

    /// <summary>The sweep leaves rows younger than this to the fast path of the request that wrote them.</summary>
    public double SweepMinAgeSeconds { get; set; } = 30;

    /// <summary>Most outbox rows one sweep pass moves (bounded work per invocation).</summary>
    public int SweepBatchSize { get; set; } = 500;

    /// <summary>How long a sweeping instance holds a row it claimed before others may take it.</summary>
    public double SweepClaimSeconds { get; set; } = 60;

    /// <summary>The delay before attempt <paramref name="attempt"/> + 1, after <paramref name="attempt"/> failed (1-based).</summary>
    public TimeSpan Backoff(int attempt)
    {
        var seconds = BackoffBaseSeconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, BackoffMaxSeconds));
    }

    /// <summary>The first problem with these settings, or null.</summary>
    public string? Validate()
    {
        if (MaxAttempts < 1) return "ObjectStore:Notifications:MaxAttempts must be at least 1.";
        if (BackoffBaseSeconds < 0 || BackoffMaxSeconds < BackoffBaseSeconds) return "ObjectStore:Notifications backoff settings must satisfy 0 <= BackoffBaseSeconds <= BackoffMaxSeconds.";
        if (SweepBatchSize < 1 || SweepMinAgeSeconds < 0 || SweepClaimSeconds <= 0) return "ObjectStore:Notifications sweep settings must be positive.";
        foreach (var (name, webhook) in Webhooks)
        {
            if (!Uri.TryCreate(webhook.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                return $"Webhook '{name}' needs an absolute http(s) Url.";
            if (webhook.TimeoutSeconds <= 0) return $"Webhook '{name}' needs a positive TimeoutSeconds.";
        }
        foreach (var (name, queue) in Queues)
        {
            if (string.IsNullOrEmpty(queue.QueueName)) return $"Queue destination '{name}' needs a QueueName.";
        }
        return null;
    }
}

public sealed class WebhookDestinationOptions
{
    public string Url { get; set; } = "";
    /// <summary>When set, each request carries X-ObjectStore-Signature: sha256=HMAC-SHA256(secret, body) in hex.</summary>
    public string? Secret { get; set; }
    public double TimeoutSeconds { get; set; } = 10;
    public string? Arn { get; set; }
}

public sealed class QueueDestinationOptions
{
    /// <summary>Storage account connection string; empty: the store's own account.</summary>
    public string? Connection { get; set; }
    public string QueueName { get; set; } = "";
    /// <summary>"base64" for consumers that expect it (a Functions queue trigger); plain text otherwise.</summary>
    public string? MessageEncoding { get; set; }
    public string? Arn { get; set; }
}
