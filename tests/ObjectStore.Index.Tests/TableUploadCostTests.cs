using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using ObjectStore.Index.Tables;
using ObjectStore.Testing;
using Xunit.Abstractions;

namespace ObjectStore.Index.Tests;

/// <summary>
/// What a part commit costs in Table requests (docs/index-schema.md, Multipart uploads): the part commits of
/// one upload take turns on an instance and chain the upload row's ETag, so a part is one transaction.
/// A property of the Table layout, not of the <see cref="IObjectIndex"/> contract, so Table-only.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class TableUploadCostTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset T0 = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    /// <summary>Two index instances over the same tables (as two gateways), each with its own caches; one request log.</summary>
    private sealed record Instances(TableObjectIndex First, TableObjectIndex Second, TableRequestLog Requests, string Bucket)
    {
        public static async Task<Instances> CreateAsync(AzuriteFixture azurite, int partitions)
        {
            var requests = new TableRequestLog();
            var clientOptions = new TableClientOptions();
            clientOptions.AddPolicy(requests, HttpPipelinePosition.PerRetry);
            var service = new TableServiceClient(azurite.ConnectionString, clientOptions);
            var prefix = UniqueNames.Table("ix");
            var options = new TableIndexOptions { DefaultPartitions = partitions };
            var first = new TableObjectIndex(service, prefix, options: options);
            await first.InitializeAsync(None);
            var bucket = UniqueNames.Bucket();
            Assert.True(await first.TryCreateBucketAsync(new BucketRecord(bucket, DateTimeOffset.UtcNow, "us-east-1", "owner"), None));
            return new Instances(first, new TableObjectIndex(service, prefix, options: options), requests, bucket);
        }

        public async Task<UploadRecord> CreateUploadAsync(string key = "k")
        {
            var upload = new UploadRecord(Bucket, key, UploadIds.New(DateTimeOffset.UtcNow, key), T0, "STANDARD") { StateChanged = T0, Owner = "alice" };
            Assert.Equal(IndexWriteResult.Success, await First.CreateUploadAsync(upload, None));
            return upload;
        }
    }

    private static PartRecord Part(UploadRecord upload, int number, string etag = "\"p\"") =>
        new(upload.Bucket, upload.Key, upload.UploadId, number, 5, etag, T0, $"layout-{number}-{etag}");

    private static async Task<List<int>> PartNumbersAsync(IObjectIndex index, UploadRecord upload)
    {
        var numbers = new List<int>();
        await foreach (var part in index.ListPartsAsync(upload.Bucket, upload.UploadId, 0, None))
            numbers.Add(part.PartNumber);
        return numbers;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task A_fresh_part_of_an_upload_created_or_read_on_this_instance_is_one_transaction(int partitions)
    {
        var at = await Instances.CreateAsync(azurite, partitions);
        var upload = await at.CreateUploadAsync();

        at.Requests.Reset();
        Assert.Equal(IndexWriteResult.Success, (await at.First.CommitPartAsync(Part(upload, 1), None)).Result);
        Assert.Equal((1, 0, 0), at.Requests.Counts); // after the create: one transaction, nothing read
        Assert.Equal(IndexWriteResult.Success, (await at.First.CommitPartAsync(Part(upload, 2), None)).Result);
        Assert.Equal((2, 0, 0), at.Requests.Counts); // the next part starts from the ETag the first one's touch answered

        // Another instance reads the upload (as UploadPart does first), then commits: the read and one transaction.
        at.Requests.Reset();
        Assert.NotNull(await at.Second.GetUploadAsync(upload.Bucket, upload.Key, upload.UploadId, None));
        Assert.Equal(IndexWriteResult.Success, (await at.Second.CommitPartAsync(Part(upload, 3), None)).Result);
        Assert.Equal((1, 0, 1), at.Requests.Counts);
        Assert.Equal([1, 2, 3], await PartNumbersAsync(at.First, upload));
    }

    [Fact]
    public async Task Eight_parts_committed_at_once_on_one_instance_are_eight_transactions_and_none_fails()
    {
        var at = await Instances.CreateAsync(azurite, 1);
        var upload = await at.CreateUploadAsync();

        at.Requests.Reset();
        var outcomes = await Task.WhenAll(Enumerable.Range(1, 8).Select(n => Task.Run(() => at.First.CommitPartAsync(Part(upload, n), None))));
        Assert.All(outcomes, o => Assert.Equal(IndexWriteResult.Success, o.Result));
        Assert.Equal((8, 0, 0), at.Requests.Counts);

        // On an instance that has not seen the upload: one read of the upload row first.
        at.Requests.Reset();
        outcomes = await Task.WhenAll(Enumerable.Range(9, 8).Select(n => Task.Run(() => at.Second.CommitPartAsync(Part(upload, n), None))));
        Assert.All(outcomes, o => Assert.Equal(IndexWriteResult.Success, o.Result));
        Assert.Equal((8, 0, 1), at.Requests.Counts);
        Assert.Equal(Enumerable.Range(1, 16), await PartNumbersAsync(at.First, upload));
    }

    [Fact]
    public async Task A_re_upload_of_a_part_number_answers_the_part_it_replaced()
    {
        var at = await Instances.CreateAsync(azurite, 1);
        var upload = await at.CreateUploadAsync();
        Assert.Null((await at.First.CommitPartAsync(Part(upload, 3, "\"first\""), None)).Replaced);

        at.Requests.Reset();
        var outcome = await at.First.CommitPartAsync(Part(upload, 3, "\"second\""), None);
        Assert.Equal(IndexWriteResult.Success, outcome.Result);
        Assert.Equal("\"first\"", outcome.Replaced?.ETag);
        // The Add fails on the part row (409), then the part row is read and replaced under its ETag.
        Assert.Equal((2, 1, 1), at.Requests.Counts);
        output.WriteLine($"re-upload of a part: {at.Requests.Counts}");
        Assert.Equal([3], await PartNumbersAsync(at.First, upload));
    }

    [Theory]
    [InlineData(UploadState.Completing)]
    [InlineData(UploadState.Aborting)]
    public async Task A_part_commit_after_another_instance_sealed_the_upload_is_refused(UploadState state)
    {
        var at = await Instances.CreateAsync(azurite, 1);
        var upload = await at.CreateUploadAsync();
        Assert.Equal(IndexWriteResult.Success, (await at.First.CommitPartAsync(Part(upload, 1), None)).Result); // First now remembers the row

        var read = await at.Second.GetUploadAsync(upload.Bucket, upload.Key, upload.UploadId, None);
        Assert.Equal(IndexWriteResult.Success, (await at.Second.UpdateUploadAsync(read! with { State = state }, None)).Result);

        at.Requests.Reset();
        Assert.Equal(IndexWriteResult.NotFound, (await at.First.CommitPartAsync(Part(upload, 2), None)).Result);
        Assert.Equal((1, 1, 1), at.Requests.Counts); // the touch fails (412), the re-read finds the upload sealed
        Assert.Equal(IndexWriteResult.NotFound, (await at.First.CommitPartAsync(Part(upload, 3), None)).Result);
        Assert.Equal([1], await PartNumbersAsync(at.First, upload));
    }

    [Fact]
    public async Task A_part_commit_after_another_instance_deleted_the_upload_is_refused()
    {
        var at = await Instances.CreateAsync(azurite, 1);
        var upload = await at.CreateUploadAsync();
        Assert.Equal(IndexWriteResult.Success, (await at.First.CommitPartAsync(Part(upload, 1), None)).Result);
        var read = await at.Second.GetUploadAsync(upload.Bucket, upload.Key, upload.UploadId, None);
        Assert.Equal(IndexWriteResult.Success, await at.Second.DeleteUploadAsync(read!, None));

        at.Requests.Reset();
        Assert.Equal(IndexWriteResult.NotFound, (await at.First.CommitPartAsync(Part(upload, 2), None)).Result);
        Assert.Equal((1, 1, 1), at.Requests.Counts); // the touch fails (404), the re-read finds no upload
        Assert.Equal([1], await PartNumbersAsync(at.First, upload));
    }

    [Fact]
    public async Task A_stale_remembered_upload_row_costs_a_re_read_not_a_failure()
    {
        var at = await Instances.CreateAsync(azurite, 1);
        var upload = await at.CreateUploadAsync();
        Assert.Equal(IndexWriteResult.Success, (await at.First.CommitPartAsync(Part(upload, 1), None)).Result);
        Assert.Equal(IndexWriteResult.Success, (await at.Second.CommitPartAsync(Part(upload, 2), None)).Result); // moves the ETag on

        at.Requests.Reset();
        Assert.Equal(IndexWriteResult.Success, (await at.First.CommitPartAsync(Part(upload, 3), None)).Result);
        Assert.Equal((2, 1, 1), at.Requests.Counts);
        Assert.Equal([1, 2, 3], await PartNumbersAsync(at.First, upload));
    }

    [Fact]
    public async Task Remembered_upload_rows_are_bounded_and_expire_when_idle()
    {
        var time = new FakeTimeProvider();
        var rows = new OpenUploadRows(time);
        for (var i = 0; i < OpenUploadRows.MaxEntries + 100; i++)
            rows.Saw("b", $"u{i}", new OpenUploadRows.Row("k", "b", new Azure.ETag("e")));
        Assert.Equal(OpenUploadRows.MaxEntries, rows.Count);

        time.Advance(OpenUploadRows.IdleLifetime + TimeSpan.FromSeconds(1));
        rows.Saw("b", "new", new OpenUploadRows.Row("k", "b", new Azure.ETag("e")));
        Assert.Equal(1, rows.Count);

        // A turn on an upload with nothing remembered leaves nothing behind; the next turn waits for the one before.
        var turn = await rows.EnterAsync("b", "other", None);
        var next = rows.EnterAsync("b", "other", None);
        Assert.False(next.IsCompleted);
        turn.Dispose();
        (await next).Dispose();
        rows.Saw("b", "new", null);
        Assert.Equal(0, rows.Count);
    }
}
