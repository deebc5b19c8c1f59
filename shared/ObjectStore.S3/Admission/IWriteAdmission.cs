using ObjectStore.Objects.Errors;
using ObjectStore.S3.Protocol;

namespace ObjectStore.S3;

/// <summary>
/// An optional gate the request handler consults after routing and authorization, before it
/// dispatches: a host that can tell it would not keep a write (the local host, when the filesystem
/// of its data directory is nearly full) refuses it there, before anything is written or
/// acknowledged. Registered only where there is something to watch; the function apps on Azure
/// register none, and then every request is admitted.
/// </summary>
public interface IWriteAdmission
{
    /// <summary>
    /// Null to admit <paramref name="operation"/>; otherwise the refusal to send (rendered as S3
    /// error XML by the handler). Called once per request, so it must be cheap (no I/O per call).
    /// </summary>
    /// <param name="operation">The routed operation; see <see cref="S3OperationEffects.NeedsSpace"/>.</param>
    /// <param name="resource">The request's resource, for the error's Resource element.</param>
    S3Exception? Refuse(S3Operation operation, string? resource);
}
