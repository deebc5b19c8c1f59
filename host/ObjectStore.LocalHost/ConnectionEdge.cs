using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using ObjectStore.Hosting;
using ObjectStore.S3;

namespace ObjectStore.LocalHost;

/// <summary>
/// What the local host adds to each Kestrel connection, through a connection middleware (public
/// API): the 100 Continue feature (<see cref="TransportContinue"/>), and S3 error bodies on the
/// answers Kestrel gives by itself (<see cref="RefusalRewritingWriter"/>). It knows whether the
/// handler is answering a request on the connection right now: everything Kestrel writes while it
/// is not is Kestrel's own.
/// </summary>
internal sealed class ConnectionEdge
{
    private int _requestsInFlight;

    /// <summary>True while the handler answers a request on this connection (from its start until the response is complete).</summary>
    public bool HandlerAnswering => Volatile.Read(ref _requestsInFlight) > 0;

    /// <summary>Adds the edge to every connection of <paramref name="listen"/>.</summary>
    public static void Use(ListenOptions listen)
    {
        var logger = listen.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("ObjectStore.LocalHost.Connections");
        listen.Use(next => connection =>
        {
            var edge = new ConnectionEdge();
            var transport = connection.Transport;
            connection.Features.Set(edge);
            // The interim response goes to the transport itself, written while the handler answers.
            connection.Features.Set<IHttpContinueFeature>(new TransportContinue(transport.Output));
            connection.Transport = new DuplexPipe(transport.Input, new RefusalRewritingWriter(transport.Output, edge, logger));
            return next(connection);
        });
    }

    /// <summary>Runs <paramref name="handler"/> for one request, marking the connection as answering until the response is complete.</summary>
    public static Task HandleAsync(HttpContext context, GatewayFrontDoor handler)
    {
        if (context.Features.Get<ConnectionEdge>() is { } edge)
        {
            Interlocked.Increment(ref edge._requestsInFlight);
            // OnCompleted runs after Kestrel has written the end of the response.
            context.Response.OnCompleted(static state =>
            {
                Interlocked.Decrement(ref ((ConnectionEdge)state)._requestsInFlight);
                return Task.CompletedTask;
            }, edge);
        }
        return handler.HandleAsync(context);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
