using ObjectStore.Load;

// Load tool for an S3 endpoint (the local host by default). Scenarios: LoadOptions.Usage; how to run it and the recorded numbers: docs/benchmarks.md.
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
