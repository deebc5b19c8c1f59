using System.IO.Pipelines;
using ObjectStore.S3;

namespace ObjectStore.LocalHost;

/// <summary>
/// The 100 Continue Kestrel does not send: ASP.NET Core has no public API for interim responses
/// (dotnet/aspnetcore#27851), and Kestrel produces 100 Continue only when a non-empty body is read.
/// A connection middleware (public API, <see cref="ConnectionEdge"/>) puts this feature on each connection; Kestrel's request
/// features fall back to the connection's, so the handler finds it. It writes the interim response
/// straight to the connection's transport, which is safe only while Kestrel writes nothing: the
/// handler calls it from <c>OnStarting</c>, before the response head, for requests with an empty
/// body (whose 100 Continue Kestrel never writes). The raw-socket tests in
/// ConnectionEdgeTests fail if a Kestrel update changes either assumption.
/// </summary>
internal sealed class TransportContinue(PipeWriter transport) : IHttpContinueFeature
{
    private static readonly ReadOnlyMemory<byte> Continue = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();

    public async ValueTask SendContinueAsync(CancellationToken cancellationToken) =>
        await transport.WriteAsync(Continue, cancellationToken);
}
