using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ObjectStore.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddObjectStoreGateway(builder.Configuration);

// The worker's own Kestrel (behind the Functions host proxy) caps bodies at 30 MB by default.
// The handler streams bodies stripe by stripe, so the worker sets no cap; the front end's cap
// is FUNCTIONS_REQUEST_BODY_SIZE_LIMIT (100 MB by default), see infra/README.md.
builder.Services.Configure<KestrelServerOptions>(options => options.Limits.MaxRequestBodySize = null);

await builder.Build().RunAsync();
