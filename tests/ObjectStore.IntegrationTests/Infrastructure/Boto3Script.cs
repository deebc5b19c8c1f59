using System.Text.Json;

namespace ObjectStore.IntegrationTests.Infrastructure;

/// <summary>
/// Runs a boto3 script (pip boto3, the python3 first on PATH) against a local host. A common prelude
/// makes <c>args</c> (the JSON arguments), <c>s3</c> (a path-style SigV4 client without retries, signing
/// with args' "key"/"secret", the root key by default), <c>bucket</c> and <c>out</c>; the script fills
/// <c>out</c>, which is printed as JSON and returned.
/// </summary>
internal static class Boto3Script
{
    private const string Prelude = """
        import json, sys
        import boto3
        from botocore.config import Config
        from botocore.exceptions import ClientError

        args = json.load(open(sys.argv[1], encoding="utf-8"))
        s3 = boto3.client("s3", endpoint_url=args["endpoint"], region_name="us-east-1",
                          aws_access_key_id=args["key"], aws_secret_access_key=args["secret"],
                          config=Config(s3={"addressing_style": "path"}, signature_version="s3v4", retries={"max_attempts": 1}))
        bucket = args.get("bucket")
        out = {}


        """;

    private const string Epilogue = "\n\nprint(json.dumps(out))\n";

    public static async Task<(JsonElement Result, TimeSpan Elapsed)> RunAsync(LocalHostFixture host, ClientTestData data, string body,
        IDictionary<string, object?> args, TimeSpan? timeout = null)
    {
        var python = ExternalProcess.Require("python3", "boto3 tests need python3 with pip boto3 1.43 (pip install boto3; the POST tests also import requests).");
        args["endpoint"] = host.Endpoint.ToString().TrimEnd('/');
        args.TryAdd("key", LocalHostFixture.AccessKey);
        args.TryAdd("secret", LocalHostFixture.SecretKey);
        var dir = data.NewDirectory("py");
        var script = Path.Combine(dir, "test.py");
        var argsFile = Path.Combine(dir, "args.json");
        await File.WriteAllTextAsync(script, Prelude + body + Epilogue);
        await File.WriteAllTextAsync(argsFile, JsonSerializer.Serialize(args));

        // The environment carries the root key (for clients a script makes itself); s3 signs with args' key.
        var env = new ClientEnvironment(host, data.NewDirectory("aws")).Aws();
        var result = await ExternalProcess.RunCheckedAsync(python, [script, argsFile], env, timeout: timeout);
        var lastLine = result.StdOut.TrimEnd().Split('\n')[^1];
        try
        {
            return (JsonDocument.Parse(lastLine).RootElement.Clone(), result.Elapsed);
        }
        catch (JsonException)
        {
            Assert.Fail("The script printed no JSON result.\n" + result);
            throw;
        }
    }
}
