using ObjectStore.Objects;

namespace ObjectStore.S3.Protocol;

public enum PreconditionOutcome { Proceed, NotModified, PreconditionFailed }

/// <summary>
/// The conditional headers of a read (If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since)
/// or of a copy source (x-amz-copy-source-if-*), already parsed.
/// </summary>
public sealed record Preconditions(
    IReadOnlyList<string>? IfMatch,
    IReadOnlyList<string>? IfNoneMatch,
    DateTimeOffset? IfModifiedSince,
    DateTimeOffset? IfUnmodifiedSince)
{
    public static readonly Preconditions None = new(null, null, null, null);

    public bool IsEmpty => IfMatch is null && IfNoneMatch is null && IfModifiedSince is null && IfUnmodifiedSince is null;

    /// <summary>
    /// Evaluates in S3's (RFC 7232's) order: If-Match, else If-Unmodified-Since (412 on failure); then
    /// If-None-Match, else If-Modified-Since (304 on failure). A passing If-Match makes S3 ignore
    /// If-Unmodified-Since; a present If-None-Match makes it ignore If-Modified-Since. Dates compare at
    /// one-second precision, as HTTP dates carry.
    /// </summary>
    /// <param name="etag">The object's ETag, quoted.</param>
    public PreconditionOutcome Evaluate(string etag, DateTimeOffset lastModified, DateTimeOffset now)
    {
        var modified = TruncateToSecond(lastModified);
        if (IfMatch is not null)
        {
            if (!Matches(IfMatch, etag)) return PreconditionOutcome.PreconditionFailed;
        }
        else if (IfUnmodifiedSince is { } ius && modified > ius)
        {
            return PreconditionOutcome.PreconditionFailed;
        }

        if (IfNoneMatch is not null)
        {
            if (Matches(IfNoneMatch, etag)) return PreconditionOutcome.NotModified;
        }
        else if (IfModifiedSince is { } ims && ims <= now && modified <= ims)
        {
            return PreconditionOutcome.NotModified;
        }
        return PreconditionOutcome.Proceed;
    }

    /// <summary>For a copy source every failed condition is 412, as S3 does.</summary>
    public PreconditionOutcome EvaluateForCopySource(string etag, DateTimeOffset lastModified, DateTimeOffset now) =>
        Evaluate(etag, lastModified, now) == PreconditionOutcome.Proceed ? PreconditionOutcome.Proceed : PreconditionOutcome.PreconditionFailed;

    private static bool Matches(IReadOnlyList<string> candidates, string etag)
    {
        var bare = ETags.Unquote(etag);
        foreach (var c in candidates)
        {
            if (c == "*" || ETags.Unquote(c) == bare) return true;
        }
        return false;
    }

    private static DateTimeOffset TruncateToSecond(DateTimeOffset t) =>
        new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, t.Offset);
}
