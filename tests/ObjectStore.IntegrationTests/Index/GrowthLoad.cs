using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace ObjectStore.IntegrationTests.Index;

/// <summary>
/// A bounded read and write load on one versioned bucket, run until <see cref="Stop"/> (or a cap of operations):
/// writers put new keys and overwrite or delete the keys they own (each key has one writer, so "what was last
/// written" is defined), record every write that succeeded in the model and read it straight back; readers get
/// keys no writer touches and compare their bytes; a lister lists the bucket and checks that no key is listed
/// twice or out of order and that no untouched key is missing. What goes wrong is collected in <see cref="Violations"/>.
/// </summary>
internal sealed class GrowthLoad(IAmazonS3 s3, string bucket, BucketModel model)
{
    private const int MaxOperationsPerTask = 3000;
    private volatile bool _stopping;
    private int _puts, _deletes, _gets, _lists;

    public List<string> Violations { get; } = [];
    public List<string> Failures { get; } = [];
    public int Puts => _puts;
    public int Deletes => _deletes;
    public int Gets => _gets;
    public int Lists => _lists;

    public void Stop() => _stopping = true;

    /// <summary>Runs <paramref name="owned"/>.Count writers (writer i owns owned[i] and the new keys it makes), two readers and a lister.</summary>
    public Task RunAsync(IReadOnlyList<IReadOnlyList<string>> owned, IReadOnlyList<string> untouched) =>
        Task.WhenAll([
            .. owned.Select((keys, i) => Task.Run(() => WriteAsync(i, [.. keys]))),
            .. Enumerable.Range(0, 2).Select(i => Task.Run(() => ReadAsync(i, untouched))),
            Task.Run(() => ListAsync(untouched)),
        ]);

    private async Task WriteAsync(int writer, List<string> keys)
    {
        var random = new Random(1000 + writer);
        for (var op = 0; op < MaxOperationsPerTask && !_stopping; op++)
        {
            var roll = random.Next(100);
            var key = roll < 40 || keys.Count == 0 ? $"load/w{writer}/new-{op:D5}" : keys[random.Next(keys.Count)];
            if (roll < 40)
                keys.Add(key);
            if (roll >= 90 && model.Current(key) is not null)
                await DeleteAsync(key);
            else
                await PutAsync(key, Payload(random, op % 5 == 0 ? 48 * 1024 : random.Next(100, 6000)));
        }
    }

    private async Task PutAsync(string key, byte[] bytes)
    {
        try
        {
            var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(bytes) });
            model.Put(key, put.VersionId, put.ETag, bytes);
            Interlocked.Increment(ref _puts);
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or TaskCanceledException)
        {
            Failed(key, "PUT", e);
            return;
        }
        await ReadBackAsync(key, BucketModel.Md5(bytes));
    }

    private async Task DeleteAsync(string key)
    {
        try
        {
            var deleted = await s3.DeleteObjectAsync(bucket, key);
            if (deleted.DeleteMarker != "true")
                Violate($"DELETE {key} in a versioned bucket made no delete marker");
            model.Add(key, new ModelVersion(deleted.VersionId, true, null, 0, null));
            Interlocked.Increment(ref _deletes);
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or TaskCanceledException)
        {
            Failed(key, "DELETE", e);
            return;
        }
        await ReadBackAsync(key, null);
    }

    /// <summary>A write that succeeded is what the next read returns (null: the key is deleted).</summary>
    private async Task ReadBackAsync(string key, string? md5)
    {
        var read = await TryGetAsync(key);
        if (read != (md5 ?? "absent"))
            Violate($"GET {key} right after its write answered {read}, expected {md5 ?? "absent"}");
    }

    private async Task ReadAsync(int reader, IReadOnlyList<string> untouched)
    {
        var random = new Random(2000 + reader);
        for (var op = 0; op < MaxOperationsPerTask && !_stopping; op++)
        {
            var key = untouched[random.Next(untouched.Count)];
            var read = await TryGetAsync(key);
            if (read != model.Current(key)!.Md5)
                Violate($"GET {key} (untouched by the load) answered {read}");
        }
    }

    private async Task ListAsync(IReadOnlyList<string> untouched)
    {
        for (var op = 0; op < MaxOperationsPerTask && !_stopping; op++)
        {
            var listed = new List<string>();
            try
            {
                await foreach (var o in BucketModel.ListV2Async(s3, bucket, null, 250))
                    listed.Add(o.Key);
            }
            catch (AmazonServiceException e)
            {
                Failed(null, "LIST", e);
                continue;
            }
            Interlocked.Increment(ref _lists);
            if (listed.Distinct(StringComparer.Ordinal).Count() != listed.Count)
                Violate($"a listing during the load named a key twice: {string.Join(", ", listed.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key))}");
            if (untouched.Except(listed, StringComparer.Ordinal).FirstOrDefault() is { } missing)
                Violate($"a listing during the load missed {missing}");
        }
    }

    /// <summary>The MD5 of the object's bytes, "absent" for 404, or the error.</summary>
    private async Task<string> TryGetAsync(string key)
    {
        Interlocked.Increment(ref _gets);
        try
        {
            using var response = await s3.GetObjectAsync(bucket, key);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer);
            return BucketModel.Md5(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return "absent";
        }
        catch (AmazonServiceException e)
        {
            return $"{(int)e.StatusCode} {e.ErrorCode}";
        }
    }

    private void Failed(string? key, string operation, Exception e)
    {
        if (key is not null)
            model.MarkUncertain(key);
        var status = e is AmazonServiceException s ? $"{(int)s.StatusCode} {s.ErrorCode}" : e.GetType().Name;
        lock (Failures) Failures.Add($"{operation} {key}: {status}");
    }

    private void Violate(string what)
    {
        lock (Violations) Violations.Add(what);
    }

    public static byte[] Payload(Random random, int size)
    {
        var bytes = new byte[size];
        random.NextBytes(bytes);
        return bytes;
    }
}
