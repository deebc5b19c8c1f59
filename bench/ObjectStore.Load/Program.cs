using ObjectStore.Load;

// Load tool for an S3 endpoint (the local host by default). See README.md for the scenarios.
var options = LoadOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}
using var client = new S3LoadClient(options);
var runner = new ScenarioRunner(client, options);
await runner.RunAsync();
return 0;
