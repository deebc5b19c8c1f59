using System.Net;
using System.Net.Sockets;

namespace ObjectStore.Testing;

public static class LoopbackPort
{
    /// <summary>
    /// Asks the OS for a free port on 127.0.0.1. There is a small window before the caller's server
    /// binds it, so callers retry with a new port when the bind fails.
    /// </summary>
    public static int Free()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }
}
