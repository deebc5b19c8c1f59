using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using ObjectStore.Hosting;

namespace ObjectStore.Functions.Gateway;

/// <summary>
/// Every S3 request: one anonymous catch-all route (host.json sets routePrefix to ""), handed to
/// the gateway's front door (the console's files, then the S3 handler, which authenticates (SigV4)
/// and writes the whole response itself), which records the request metrics.
/// </summary>
internal sealed class GatewayFunction(GatewayFrontDoor handler)
{
    public const string Name = "Gateway";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", "put", "post", "delete", "options", Route = "{*path}")]
        HttpRequest request)
    {
        await handler.HandleAsync(request.HttpContext);
        // The response is already written: an empty result leaves it as it is.
        return new EmptyResult();
    }
}
