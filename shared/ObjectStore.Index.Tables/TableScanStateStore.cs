using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

/// <summary>
/// <see cref="IScanStateStore"/> over Azure Table storage: table <c>{prefix}Scans</c>, one partition
/// per pass, one row per scope. A lease is two properties on the row; taking, extending and ending
/// it are writes conditioned on the row's ETag, so of two instances racing only one wins.
/// </summary>
public sealed class TableScanStateStore : IScanStateStore
{
    private const string CursorProperty = "Cursor";
    private const string OwnerProperty = "LeaseOwner";
    private const string ExpiresProperty = "LeaseExpiresAt";
    private const string CompletedProperty = "LastCompletedAt";
    private const string DataProperty = "Data";

    private readonly TableServiceClient _service;
    private readonly TableClient _table;
    private readonly TimeProvider _time;

    public TableScanStateStore(TableServiceClient serviceClient, string tableNamePrefix, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(serviceClient);
        ArgumentNullException.ThrowIfNull(tableNamePrefix);
        _service = serviceClient;
        _time = time ?? TimeProvider.System;
        TableName = tableNamePrefix + "Scans";
        _table = serviceClient.GetTableClient(TableName);
    }

    public string TableName { get; }

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        _service.CreateTableIfNotExistsAsync(TableName, cancellationToken);

    public async Task<ScanState?> GetAsync(string pass, string scope, CancellationToken cancellationToken)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(pass, scope, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? ToState(response.Value!) : null;
    }

    public async IAsyncEnumerable<ScanState> ListAsync(string pass, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pass}"), cancellationToken: cancellationToken);
        await foreach (var entity in query.ConfigureAwait(false))
            yield return ToState(entity);
    }

    public async Task<ScanState?> TryAcquireAsync(string pass, string scope, string owner, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var now = _time.GetUtcNow();
        var existing = await _table.GetEntityIfExistsAsync<TableEntity>(pass, scope, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!existing.HasValue)
        {
            var entity = new TableEntity(pass, scope) { [OwnerProperty] = owner, [ExpiresProperty] = now + leaseDuration };
            try
            {
                var added = await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                entity.ETag = added.Headers.ETag ?? default;
                return ToState(entity);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                return null; // Another instance created it first and holds the lease.
            }
        }

        var row = existing.Value!;
        var holder = row.GetString(OwnerProperty);
        var expires = row.GetDateTimeOffset(ExpiresProperty);
        if (holder is not null && holder != owner && expires > now)
            return null;
        row[OwnerProperty] = owner;
        row[ExpiresProperty] = now + leaseDuration;
        return await ReplaceAsync(row, row.ETag, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ScanState?> CheckpointAsync(ScanState held, string? cursor, IReadOnlyDictionary<string, string>? data, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        var entity = ToEntity(held with { Cursor = cursor, Data = data ?? held.Data, LeaseExpiresAt = _time.GetUtcNow() + leaseDuration });
        return await ReplaceAsync(entity, TokenOf(held), cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> ReleaseAsync(ScanState held, bool completed, IReadOnlyDictionary<string, string>? data, CancellationToken cancellationToken)
    {
        var released = held with
        {
            Cursor = completed ? null : held.Cursor,
            LastCompletedAt = completed ? _time.GetUtcNow() : held.LastCompletedAt,
            LeaseOwner = null,
            LeaseExpiresAt = null,
            Data = data ?? held.Data,
        };
        return await ReplaceAsync(ToEntity(released), TokenOf(held), cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>Replaces the row if its ETag is still <paramref name="etag"/>; null when it changed or vanished.</summary>
    private async Task<ScanState?> ReplaceAsync(TableEntity entity, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            entity.ETag = response.Headers.ETag ?? default;
            return ToState(entity);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return null;
        }
    }

    private static ETag TokenOf(ScanState state) =>
        state.ConcurrencyToken is { } token ? new ETag(token) : throw new ArgumentException("The scan state was not read from the store.", nameof(state));

    private static TableEntity ToEntity(ScanState state)
    {
        var entity = new TableEntity(state.Pass, state.Scope);
        if (state.Cursor is not null) entity[CursorProperty] = state.Cursor;
        if (state.LeaseOwner is not null) entity[OwnerProperty] = state.LeaseOwner;
        if (state.LeaseExpiresAt is not null) entity[ExpiresProperty] = state.LeaseExpiresAt;
        if (state.LastCompletedAt is not null) entity[CompletedProperty] = state.LastCompletedAt;
        if (state.Data.Count > 0) entity[DataProperty] = JsonSerializer.Serialize(state.Data);
        return entity;
    }

    private static ScanState ToState(TableEntity entity) =>
        new(entity.PartitionKey, entity.RowKey,
            entity.GetString(CursorProperty),
            entity.GetString(OwnerProperty),
            entity.GetDateTimeOffset(ExpiresProperty),
            entity.GetDateTimeOffset(CompletedProperty),
            entity.GetString(DataProperty) is { } json
                ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []
                : new Dictionary<string, string>())
        {
            ConcurrencyToken = entity.ETag.ToString(),
        };
}
