using Microsoft.Extensions.Logging;

namespace ObjectStore.S3;

public sealed partial class S3RequestHandler
{
    /// <summary>S3 protocol log events: ids 1000-1099.</summary>
    private static partial class Log
    {
        [LoggerMessage(EventId = 1000, Level = LogLevel.Information,
            Message = "{Method} {Path} {Operation} -> {Status} in={BytesIn} out={BytesOut} {ElapsedMs:0.0} ms id={RequestId}")]
        public static partial void RequestCompleted(ILogger logger, string method, string path, string operation, int status, long bytesIn, long bytesOut, double elapsedMs, string requestId);

        [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Request {RequestId} {Method} {Path} failed with an unexpected error")]
        public static partial void UnhandledError(ILogger logger, string requestId, string method, string path, Exception exception);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Request {RequestId} failed with {Code} after the response started: {Message}; connection aborted")]
        public static partial void ErrorAfterResponseStarted(ILogger logger, string requestId, string code, string message);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Request {RequestId} aborted by the client: {Reason}: {Detail}")]
        public static partial void RequestAborted(ILogger logger, string requestId, string reason, string detail);

        [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Request {RequestId} answered {Code}: {Message}")]
        public static partial void ServerError(ILogger logger, string requestId, string code, string message);

        /// <summary>Throttling (1480-1489): the index's storage stayed busy past the call's retry budget; the client was told to slow down.</summary>
        [LoggerMessage(EventId = 1480, Level = LogLevel.Warning, Message = "Request {RequestId} answered 503 SlowDown: the index stayed busy ({Reason}) past its retry budget; outcome unknown: {OutcomeUnknown}")]
        public static partial void IndexBusy(ILogger logger, string requestId, string reason, bool outcomeUnknown);

        /// <summary>The completion line (as 1000) of a request whose client reset or closed the connection before its answer: 499, as nginx logs it.</summary>
        [LoggerMessage(EventId = 1005, Level = LogLevel.Information,
            Message = "{Method} {Path} {Operation} -> {Status} client closed request in={BytesIn} out={BytesOut} {ElapsedMs:0.0} ms id={RequestId}")]
        public static partial void RequestClosedByClient(ILogger logger, string method, string path, string operation, int status, long bytesIn, long bytesOut, double elapsedMs, string requestId);
    }
}
