using ObjectStore.Admin;
using ObjectStore.Tools;

// objectstore-admin: calls the admin API (/_admin/v1/...) of a running server, signed with SigV4,
// and prints the JSON answer. Endpoint and keys come from the same variables the server reads.
var endpoint = new Uri(Environment.GetEnvironmentVariable("OBJECTSTORE_ENDPOINT") is { Length: > 0 } e ? e : "http://127.0.0.1:9000");
var accessKey = Environment.GetEnvironmentVariable("OBJECTSTORE_ACCESS_KEY") is { Length: > 0 } a ? a : "objectstore";
var secretKey = Environment.GetEnvironmentVariable("OBJECTSTORE_SECRET_KEY") is { Length: > 0 } s ? s : "objectstore-secret";
var region = Environment.GetEnvironmentVariable("OBJECTSTORE_REGION") is { Length: > 0 } r ? r : "us-east-1";

if (!CommandLine.TryParse(args, out var call, out var problem))
{
    if (problem is not null)
        Console.Error.WriteLine(problem);
    Console.Error.WriteLine(CommandLine.Usage());
    return problem is null ? 0 : 2;
}

if (call.Method == Commands.Local)
{
    // master-key generate: a key for OBJECTSTORE_MASTER_KEY or a key file's first line (docs/encryption.md).
    Console.WriteLine(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
    return 0;
}

using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
using var request = new HttpRequestMessage(new HttpMethod(call.Method), new Uri(endpoint, "/_admin/v1/" + call.Path + call.Query));
if (call.BodyFile is not null)
{
    var body = call.BodyFile == "-" ? await Console.In.ReadToEndAsync() : await File.ReadAllTextAsync(call.BodyFile);
    request.Content = new StringContent(body);
}
new S3Signer(accessKey, secretKey, region).Sign(request);

try
{
    using var response = await http.SendAsync(request);
    var text = await response.Content.ReadAsStringAsync();
    if (text.Length > 0)
        (response.IsSuccessStatusCode ? Console.Out : Console.Error).WriteLine(text);
    if (!response.IsSuccessStatusCode)
        Console.Error.WriteLine($"{(int)response.StatusCode} {response.ReasonPhrase}");
    return response.IsSuccessStatusCode ? 0 : 1;
}
catch (HttpRequestException ex)
{
    Console.Error.WriteLine($"Cannot reach {endpoint}: {ex.Message}");
    return 1;
}
