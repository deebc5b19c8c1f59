using ObjectStore.Tools;
using System.Net;
using System.Net.Http.Headers;

namespace ObjectStore.Load;

/// <summary>The handful of S3 calls the scenarios make, over one pooled HttpClient.</summary>
internal sealed class S3LoadClient(LoadOptions options) : IDisposable
{
    private readonly HttpClient http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64, UseCookies = false })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
    private readonly S3Signer signer = new(options.AccessKey, options.SecretKey, options.Region);
    private int next = -1;

    public async Task CreateBucketAsync(string bucket)
    {
        using var response = await SendAsync(HttpMethod.Put, $"/{bucket}", null);
        if (response.StatusCode != HttpStatusCode.OK && response.StatusCode != HttpStatusCode.Conflict)
            await FailAsync(response);
    }

    public async Task PutAsync(string bucket, string key, HttpContent body)
    {
        using var response = await SendAsync(HttpMethod.Put, $"/{bucket}/{key}", body);
        if (response.StatusCode != HttpStatusCode.OK)
            await FailAsync(response);
    }

    /// <summary>Reads the whole body (discarding it, after feeding <paramref name="hash"/> if given) and returns its length.</summary>
    public async Task<long> GetAsync(string bucket, string key, System.Security.Cryptography.IncrementalHash? hash = null)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/{bucket}/{key}", null, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
            await FailAsync(response);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                hash?.AppendData(buffer, 0, read);
                total += read;
            }
            return total;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task HeadAsync(string bucket, string key)
    {
        using var response = await SendAsync(HttpMethod.Head, $"/{bucket}/{key}", null);
        if (response.StatusCode != HttpStatusCode.OK)
            await FailAsync(response);
    }

    public async Task DeleteAsync(string bucket, string key)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"/{bucket}/{key}", null);
        if (response.StatusCode != HttpStatusCode.NoContent && response.StatusCode != HttpStatusCode.OK)
            await FailAsync(response);
    }

    /// <summary>CreateMultipartUpload: returns the upload id.</summary>
    public async Task<string> CreateMultipartAsync(string bucket, string key)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/{bucket}/{key}?uploads", null);
        if (response.StatusCode != HttpStatusCode.OK)
            await FailAsync(response);
        var xml = System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync());
        return xml.Root!.Element(xml.Root.Name.Namespace + "UploadId")!.Value;
    }

    /// <summary>UploadPart: returns the part's ETag.</summary>
    public async Task<string> UploadPartAsync(string bucket, string key, string uploadId, int partNumber, HttpContent body)
    {
        using var response = await SendAsync(HttpMethod.Put, $"/{bucket}/{key}?partNumber={partNumber}&uploadId={Uri.EscapeDataString(uploadId)}", body);
        if (response.StatusCode != HttpStatusCode.OK)
            await FailAsync(response);
        return response.Headers.ETag?.Tag ?? response.Headers.GetValues("ETag").First();
    }

    public async Task CompleteMultipartAsync(string bucket, string key, string uploadId, IReadOnlyList<string> etags)
    {
        var xml = new System.Text.StringBuilder("<CompleteMultipartUpload>");
        for (var i = 0; i < etags.Count; i++)
            xml.Append($"<Part><PartNumber>{i + 1}</PartNumber><ETag>{System.Security.SecurityElement.Escape(etags[i])}</ETag></Part>");
        xml.Append("</CompleteMultipartUpload>");
        using var content = new StringContent(xml.ToString(), System.Text.Encoding.UTF8, "application/xml");
        using var response = await SendAsync(HttpMethod.Post, $"/{bucket}/{key}?uploadId={Uri.EscapeDataString(uploadId)}", content);
        var text = await response.Content.ReadAsStringAsync();
        // A completion can fail with 200 and an Error document (S3 sends it once the body has started).
        if (response.StatusCode != HttpStatusCode.OK || text.Contains("<Error>", StringComparison.Ordinal))
            throw new InvalidOperationException($"CompleteMultipartUpload of {key} → {(int)response.StatusCode}: {text}");
    }

    /// <summary>One ListObjectsV2 page: returns (keys on the page, next continuation token or null).</summary>
    public async Task<(int Keys, string? Next)> ListPageAsync(string bucket, string? continuation, string? prefix = null)
    {
        var query = "?list-type=2&max-keys=1000" + (continuation is null ? "" : "&continuation-token=" + Uri.EscapeDataString(continuation))
            + (prefix is null ? "" : "&prefix=" + Uri.EscapeDataString(prefix));
        using var response = await SendAsync(HttpMethod.Get, $"/{bucket}{query}", null);
        if (response.StatusCode != HttpStatusCode.OK)
            await FailAsync(response);
        var xml = System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync());
        var ns = xml.Root!.Name.Namespace;
        var keys = xml.Root.Elements(ns + "Contents").Count();
        var next = xml.Root.Element(ns + "NextContinuationToken")?.Value;
        return (keys, next);
    }

    /// <summary>
    /// Sends one request and returns its status, the body read and discarded (the scale scenarios count
    /// 503 SlowDown instead of failing on it); any other unexpected status fails.
    /// </summary>
    public async Task<HttpStatusCode> SendCountedAsync(HttpMethod method, string pathAndQuery, HttpContent? body)
    {
        using var response = await SendAsync(method, pathAndQuery, body, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable))
            throw new InvalidOperationException($"{method} {pathAndQuery} → {(int)response.StatusCode}");
        return response.StatusCode;
    }

    /// <summary>GET of any URL (the throttling proxy's counts), as text.</summary>
    public Task<string> GetTextAsync(Uri url) => http.GetStringAsync(url);

    /// <summary>POST of any URL without a body (the throttling proxy's control).</summary>
    public async Task PostAsync(Uri url)
    {
        using var response = await http.PostAsync(url, null);
        response.EnsureSuccessStatusCode();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? body,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        // Several endpoints (host instances): each request goes to the next one.
        var endpoint = options.Endpoints.Count <= 1 ? options.Endpoint
            : options.Endpoints[(int)((uint)Interlocked.Increment(ref next) % (uint)options.Endpoints.Count)];
        var request = new HttpRequestMessage(method, new Uri(endpoint, pathAndQuery)) { Content = body };
        signer.Sign(request);
        return await http.SendAsync(request, completion);
    }

    private static async Task FailAsync(HttpResponseMessage response) =>
        throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");

    public void Dispose() => http.Dispose();
}

/// <summary>
/// A body of a given length generated on the fly: the load tool never holds a large object either.
/// Each MiB starts with its own index, so misplaced or repeated MiBs change the content's SHA-256
/// (fed to <c>hash</c> as it is sent, when given).
/// </summary>
internal sealed class GeneratedContent(long length, byte seed, System.Security.Cryptography.IncrementalHash? hash = null) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var buffer = new byte[1024 * 1024];
        new Random(seed).NextBytes(buffer);
        for (long sent = 0; sent < length;)
        {
            BitConverter.TryWriteBytes(buffer, sent / buffer.Length);
            var n = (int)Math.Min(buffer.Length, length - sent);
            hash?.AppendData(buffer, 0, n);
            await stream.WriteAsync(buffer.AsMemory(0, n));
            sent += n;
        }
    }

    protected override bool TryComputeLength(out long length1)
    {
        length1 = length;
        return true;
    }

    public static GeneratedContent Of(long length, byte seed, System.Security.Cryptography.IncrementalHash? hash = null)
    {
        var content = new GeneratedContent(length, seed, hash);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }
}
