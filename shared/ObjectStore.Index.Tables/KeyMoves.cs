using Azure;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

/// <summary>
/// Moving one key between partitions while it serves reads and writes (docs/index-schema.md, "Growing a
/// bucket online"). Rows of another partition cannot join a transaction, so the move is a sequence
/// whose every prefix leaves the key readable and its writers correct:
/// <list type="number">
/// <item>Lease: the source's current row gets <c>MoveId</c> and <c>MoveUntil</c> under its ETag. Readers go on
/// reading the source; writers wait (a crashed split's lease simply ends).</item>
/// <item>Staging: copies of the current and version rows go to the target as "m" rows, a kind no listing,
/// lookup or scan reads.</item>
/// <item>Stub: the source's current row becomes a stub naming the target, under the lease's ETag: the
/// moment the key moves. A writer that got in after the lease ended changed the ETag: the move starts again.</item>
/// <item>Publish (anyone may, and whoever next needs the key does): the source's version rows go, then each
/// staging row becomes a real row in one transaction with its own deletion, version rows first and the
/// current row last, so a key whose target has a current row is fully there.</item>
/// </list>
/// </summary>
internal sealed class KeyMoves(TableClient objects, TimeProvider time, TableIndexOptions options)
{
    public const string StagingPrefix = "m";
    private const string MovedToColumn = "MovedTo";
    private const string MoveIdColumn = "MoveId";
    private const string MoveUntilColumn = "MoveUntil";
    /// <summary>Pairs (a real row added, its staging row deleted) per transaction.</summary>
    private const int PairsPerBatch = TableObjectIndex.MaxBatch / 2;

    public static int TargetOf(TableEntity stub) => stub.GetInt32(MovedToColumn) ?? throw new InvalidDataException($"Stub {stub.RowKey} names no partition.");

    /// <summary>The move that wrote a stub ("" for a key created during the split).</summary>
    public static string MoveIdOf(TableEntity row) => row.GetString(MoveIdColumn) ?? "";

    /// <summary>How long a writer waits for a key being moved before the client is told to retry.</summary>
    public TimeSpan WaitBudget => options.MoveWaitBudget;

    public static bool IsLeased(TableEntity row, DateTimeOffset now) => row.GetDateTimeOffset(MoveUntilColumn) is { } until && until > now;

    /// <param name="moveId">The lease of the move that wrote it; "" for a stub of a key created during the split (nothing to publish).</param>
    public static TableEntity Stub(string partitionKey, string rowKey, string key, int targetIndex, string moveId) => new(partitionKey, rowKey)
    {
        ["Key"] = key,
        [EntityMapping.MovedColumn] = true,
        [MovedToColumn] = targetIndex,
        [MoveIdColumn] = moveId,
    };

    /// <summary>Moves the key whose source current row is <paramref name="current"/>; false when a writer got in first (read it again).</summary>
    public async Task<bool> MoveAsync(TableEntity current, string target, int targetIndex, CancellationToken cancellationToken)
    {
        var moveId = Guid.NewGuid().ToString("N");
        var leased = CopyOf(current, current.PartitionKey, current.RowKey);
        leased[MoveIdColumn] = moveId;
        leased[MoveUntilColumn] = time.GetUtcNow() + options.MoveLease;
        ETag leaseTag;
        try
        {
            leaseTag = (await objects.UpdateEntityAsync(leased, current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)).Headers.ETag!.Value;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }

        // Copies a crashed attempt left under another move id are never published; the split's cleanup deletes them.
        var token = current.RowKey[EntityMapping.ObjectRowPrefix.Length..];
        var versions = new List<TableEntity>();
        await foreach (var version in objects.QueryAsync<TableEntity>(VersionRange(current.PartitionKey, token), cancellationToken: cancellationToken).ConfigureAwait(false))
            versions.Add(version);
        var copies = versions.Select(v => Staged(v, target, moveId)).Append(Staged(current, target, moveId)).ToList();
        foreach (var chunk in copies.Chunk(TableObjectIndex.MaxBatch))
            await objects.SubmitTransactionAsync(chunk.Select(c => new TableTransactionAction(TableTransactionActionType.UpsertReplace, c)), cancellationToken).ConfigureAwait(false);

        var stub = Stub(current.PartitionKey, current.RowKey, current.GetString("Key") ?? "", targetIndex, moveId);
        try
        {
            await objects.UpdateEntityAsync(stub, leaseTag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false; // the lease ended and a writer changed the key; its staging rows are never published
        }
        await PublishAsync(stub, target, copies, versions, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Finishes a move whose stub is <paramref name="stub"/>: nothing to do once its staging rows are gone.</summary>
    public async Task PublishAsync(TableEntity stub, string target, CancellationToken cancellationToken)
    {
        var moveId = stub.GetString(MoveIdColumn);
        if (string.IsNullOrEmpty(moveId))
            return;
        var token = stub.RowKey[EntityMapping.ObjectRowPrefix.Length..];
        var staged = await ReadStagingAsync(target, token, moveId, cancellationToken).ConfigureAwait(false);
        if (staged.Count == 0)
            return;
        var sourceVersions = new List<TableEntity>();
        await foreach (var version in objects.QueryAsync<TableEntity>(VersionRange(stub.PartitionKey, token), select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            sourceVersions.Add(version);
        await PublishAsync(stub, target, staged, sourceVersions, cancellationToken).ConfigureAwait(false);
    }

    /// <param name="staged">The move's staging rows (the mover's own copies, or as read).</param>
    /// <param name="sourceVersions">The key's version rows in the source.</param>
    private async Task PublishAsync(TableEntity stub, string target, IReadOnlyList<TableEntity> staged, IReadOnlyList<TableEntity> sourceVersions, CancellationToken cancellationToken)
    {
        // The source's version rows go first: a version listing never shows a version in both partitions.
        await TableBatches.DeleteRowsAsync(objects, sourceVersions.Select(v => new TableEntity(stub.PartitionKey, v.RowKey)), cancellationToken).ConfigureAwait(false);

        var versionsFirst = staged.OrderBy(s => s.RowKey.StartsWith(StagingPrefix + EntityMapping.ObjectRowPrefix, StringComparison.Ordinal) ? 1 : 0);
        foreach (var chunk in versionsFirst.Chunk(PairsPerBatch))
        {
            var actions = new List<TableTransactionAction>();
            foreach (var row in chunk)
            {
                // Staging rows are deleted only here and by the split's cleanup: a publisher that got in first made this batch fail.
                actions.Add(new(TableTransactionActionType.Add, CopyOf(row, target, row.RowKey[StagingPrefix.Length..])));
                actions.Add(new(TableTransactionActionType.Delete, new TableEntity(target, row.RowKey), ETag.All));
            }
            try
            {
                await objects.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
            {
                // Another reader or writer published these rows first.
            }
        }
    }

    /// <summary>Staging rows of one move of the key with this token in <paramref name="partitionKey"/>.</summary>
    private async Task<List<TableEntity>> ReadStagingAsync(string partitionKey, string token, string moveId, CancellationToken cancellationToken)
    {
        var current = StagingPrefix + EntityMapping.ObjectRowKey(token);
        var (lower, upper) = EntityMapping.VersionRowRange(token);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partitionKey} and (RowKey eq {current} or (RowKey ge {StagingPrefix + lower} and RowKey lt {StagingPrefix + upper}))");
        var rows = new List<TableEntity>();
        await foreach (var row in objects.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.GetString(MoveIdColumn) == moveId)
                rows.Add(row);
        }
        return rows;
    }

    private static string VersionRange(string partitionKey, string token)
    {
        var (lower, upper) = EntityMapping.VersionRowRange(token);
        return TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {lower} and RowKey lt {upper}");
    }

    private static TableEntity Staged(TableEntity row, string target, string moveId)
    {
        var copy = CopyOf(row, target, StagingPrefix + row.RowKey);
        copy[MoveIdColumn] = moveId;
        return copy;
    }

    /// <summary>The row's stored columns under another address, without the lease and staging columns.</summary>
    private static TableEntity CopyOf(TableEntity row, string partitionKey, string rowKey)
    {
        var copy = new TableEntity(partitionKey, rowKey);
        foreach (var (name, value) in row)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" or MoveIdColumn or MoveUntilColumn || name.StartsWith("odata.", StringComparison.Ordinal))
                continue;
            copy[name] = value;
        }
        return copy;
    }
}
