using Microsoft.Extensions.Logging;

namespace ObjectStore.S3;

public sealed partial class S3RequestHandler
{
    /// <summary>Access control log events: ids 1100-1139 (1120-1139: CORS and browser uploads). Never a secret; the caller by user name.</summary>
    private static partial class Log
    {
        [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Request {RequestId}: {Caller} may not {Action} on {Resource}")]
        public static partial void AccessDenied(ILogger logger, string requestId, string caller, string action, string resource);
    }
}
