using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Index;
using ObjectStore.Objects;
using ObjectStore.S3.Auth;
using ObjectStore.Storage;
using ObjectStore.Testing.Fakes;

namespace ObjectStore.S3.Tests.Fakes;

internal sealed record TestResponse(int Status, IHeaderDictionary Headers, byte[] Body)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
    public XElement Xml => XElement.Parse(Text);
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v.ToString() : null;

    /// <summary>Value of the first descendant element with that local name.</summary>
    public string? XmlValue(string name) => Xml.DescendantsAndSelf().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
    public IEnumerable<string> XmlValues(string name) => Xml.Descendants().Where(e => e.Name.LocalName == name).Select(e => e.Value);
}

/// <summary>Drives <see cref="S3RequestHandler"/> in-process with DefaultHttpContext and in-memory stores.</summary>
internal sealed class HandlerHarness
{
    public InMemoryIndex Index { get; } = new();
    public InMemoryDataStore Data { get; } = new();
    public InMemoryRestoreQueue Restores { get; } = new();
    public S3RequestHandler Handler { get; }
    /// <summary>The model's lifecycle actions (what the lifecycle pass and the restore worker call).</summary>
    public ObjectStore.Lifecycle.ILifecycleActions Actions { get; }

    /// <summary>Users the fake authenticator knows, by access key (a request signs as one with <see cref="SignedBy"/>).</summary>
    public Dictionary<string, ObjectStore.Objects.Identity.CallerIdentity> Users { get; } = new(StringComparer.Ordinal);

    /// <param name="wrapIndex">Wraps the index the handler sees (a counting decorator, say); the harness keeps <see cref="Index"/> unwrapped.</param>
    public HandlerHarness(Action<S3Options>? configure = null, Func<IObjectIndex, IObjectIndex>? wrapIndex = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IObjectIndex>(wrapIndex?.Invoke(Index) ?? Index);
        services.AddSingleton<IObjectDataStore>(Data);
        services.AddSingleton<ObjectStore.Lifecycle.IRestoreQueue>(Restores);
        services.AddSingleton<IRequestAuthenticator>(new FakeAuthenticator(Users));
        services.AddSingleton(new ObjectStore.Objects.Encryption.MasterKeyRing(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        // Shard-backed by default, as the protocol tests that count stored data were written for; InlineObjectTests turns inlining on.
        services.Configure<S3Options>(o => { o.BaseDomain = "s3.local"; o.InlineMaxBytes = 0; configure?.Invoke(o); });
        services.AddS3Protocol();
        var provider = services.BuildServiceProvider();
        Handler = provider.GetRequiredService<S3RequestHandler>();
        Actions = provider.GetRequiredService<ObjectStore.Lifecycle.ILifecycleActions>();
    }

    public async Task<TestResponse> SendAsync(string method, string rawTarget, byte[]? body = null,
        IDictionary<string, string>? headers = null, bool anonymous = false, string host = "localhost:9000", bool omitContentLength = false)
    {
        var context = new DefaultHttpContext();
        var responseFeature = new StartingResponseFeature();
        context.Features.Set<IHttpResponseFeature>(responseFeature);
        var request = context.Request;
        request.Method = method;
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;
        var q = rawTarget.IndexOf('?');
        request.Path = PathString.FromUriComponent(q < 0 ? rawTarget : rawTarget[..q]);
        request.QueryString = q < 0 ? QueryString.Empty : new QueryString(rawTarget[q..]);
        request.Host = new HostString(host);
        request.Body = new MemoryStream(body ?? []);
        if (!omitContentLength) request.ContentLength = body?.Length ?? 0;
        if (!anonymous) request.Headers.Authorization = "AWS4-HMAC-SHA256 test";
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            request.Headers[name] = value;
        var responseBody = new MemoryStream();
        context.Response.Body = responseBody;

        await Handler.HandleAsync(context);
        await responseFeature.FireStartingAsync(); // as a server does before the first byte: CORS headers come from these
        return new TestResponse(context.Response.StatusCode, context.Response.Headers, responseBody.ToArray());
    }

    /// <summary>The Authorization header of a request signed with <paramref name="accessKey"/> (one of <see cref="Users"/>).</summary>
    public static string SignedBy(string accessKey) => $"AWS4-HMAC-SHA256 Credential={accessKey}/20260101/us-east-1/s3/aws4_request";

    public Task<TestResponse> SendAsync(string method, string rawTarget, string body, IDictionary<string, string>? headers = null) =>
        SendAsync(method, rawTarget, System.Text.Encoding.UTF8.GetBytes(body), headers);

    public async Task<TestResponse> CreateBucketAsync(string bucket = "bucket")
    {
        var r = await SendAsync("PUT", "/" + bucket);
        Assert.Equal(200, r.Status);
        return r;
    }

    public async Task<TestResponse> PutAsync(string bucket, string key, string content, IDictionary<string, string>? headers = null)
    {
        var r = await SendAsync("PUT", $"/{bucket}/{key}", System.Text.Encoding.UTF8.GetBytes(content), headers);
        return r;
    }

    /// <summary>
    /// What the repair pass's collector does once the grace period is over: deletes the data of every
    /// pending deletion (a multipart object's: its parts' data and rows), then the records.
    /// </summary>
    public async Task CollectPendingDeletionsAsync()
    {
        var pending = Index.PendingDeletions;
        foreach (var deletion in pending)
        {
            if (deletion.DataLayout.StartsWith("mp1;", StringComparison.Ordinal))
            {
                var fields = deletion.DataLayout.Split(';');
                var parts = Index.AllParts.Where(p => p.Bucket == fields[1] && p.UploadId == fields[2]).ToList();
                foreach (var part in parts)
                    await Data.DeleteAsync(ObjectStore.Storage.DataLayout.Parse(part.DataLayout), CancellationToken.None);
                await Index.DeletePartsAsync(parts, CancellationToken.None);
            }
            else
                await Data.DeleteAsync(ObjectStore.Storage.DataLayout.Parse(deletion.DataLayout), CancellationToken.None);
        }
        await Index.DeleteDataDeletionsAsync(pending, CancellationToken.None);
    }
}

/// <summary>A response feature that keeps the OnStarting callbacks, so the harness can run them as a server would.</summary>
internal sealed class StartingResponseFeature : HttpResponseFeature
{
    private readonly List<(Func<object, Task> Callback, object State)> _starting = [];

    public override void OnStarting(Func<object, Task> callback, object state) => _starting.Add((callback, state));

    /// <summary>Runs the callbacks once, the last registered first (as Kestrel does).</summary>
    public async Task FireStartingAsync()
    {
        for (var i = _starting.Count - 1; i >= 0; i--)
            await _starting[i].Callback(_starting[i].State);
        _starting.Clear();
    }
}
