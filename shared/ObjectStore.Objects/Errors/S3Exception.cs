namespace ObjectStore.Objects.Errors;

/// <summary>
/// A refusal to send to the client as S3 error XML. Thrown through the helpers on
/// <see cref="S3Errors"/>; rendered in exactly one place (the request handler).
/// </summary>
public sealed class S3Exception(S3ErrorCode code, string? message = null, string? resource = null) : Exception(message ?? code.DefaultMessage)
{
    public S3ErrorCode Code { get; } = code;
    public string? Resource { get; } = resource;
    /// <summary>Extra elements S3 adds to some errors (e.g. BucketName, Key, ArgumentName).</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();
    /// <summary>Response headers S3 sends with some errors (e.g. x-amz-delete-marker on a GET of a deleted key).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}

/// <summary>One row of the S3 error table: code, HTTP status, default message.</summary>
public sealed record S3ErrorCode(string Code, int HttpStatus, string DefaultMessage);
