using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using ObjectStore.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddObjectStore(builder.Configuration);

await builder.Build().RunAsync();
