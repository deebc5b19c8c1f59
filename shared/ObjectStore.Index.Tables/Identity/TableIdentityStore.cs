using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace ObjectStore.Index.Identity;

/// <summary>
/// <see cref="IIdentityStore"/> over Azure Table storage: table <c>{prefix}Identities</c>, partition
/// <c>user</c> (RowKey = user name) and partition <c>key</c> (RowKey = access key id), so the
/// per-request lookups are two point reads. Schema: docs/index-schema.md.
/// </summary>
public sealed class TableIdentityStore : IIdentityStore
{
    private const string UserPartition = "user";
    private const string KeyPartition = "key";

    private readonly TableServiceClient _service;
    private readonly TableClient _table;

    public TableIdentityStore(TableServiceClient serviceClient, string tableNamePrefix)
    {
        ArgumentNullException.ThrowIfNull(serviceClient);
        ArgumentNullException.ThrowIfNull(tableNamePrefix);
        _service = serviceClient;
        TableName = tableNamePrefix + "Identities";
        _table = serviceClient.GetTableClient(TableName);
    }

    public string TableName { get; }

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        _service.CreateTableIfNotExistsAsync(TableName, cancellationToken);

    public async Task<UserRecord?> GetUserAsync(string name, CancellationToken cancellationToken)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(UserPartition, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? ToUser(response.Value!) : null;
    }

    public async IAsyncEnumerable<UserRecord> ListUsersAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {UserPartition}"), cancellationToken: cancellationToken);
        await foreach (var entity in query.ConfigureAwait(false))
            yield return ToUser(entity);
    }

    public Task<bool> TryCreateUserAsync(UserRecord user, CancellationToken cancellationToken) =>
        TryAddAsync(ToEntity(user), cancellationToken);

    public Task<IndexWriteResult> UpdateUserAsync(UserRecord user, CancellationToken cancellationToken) =>
        ReplaceAsync(ToEntity(user), user.ConcurrencyToken, cancellationToken);

    public Task<IndexWriteResult> DeleteUserAsync(string name, CancellationToken cancellationToken) =>
        DeleteAsync(UserPartition, name, cancellationToken);

    public async Task<AccessKeyRecord?> GetAccessKeyAsync(string accessKeyId, CancellationToken cancellationToken)
    {
        if (!IsValidRowKey(accessKeyId))
            return null;
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(KeyPartition, accessKeyId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? ToKey(response.Value!) : null;
    }

    public async IAsyncEnumerable<AccessKeyRecord> ListAccessKeysAsync(string userName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {KeyPartition} and UserName eq {userName}");
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            yield return ToKey(entity);
    }

    public Task<bool> TryCreateAccessKeyAsync(AccessKeyRecord key, CancellationToken cancellationToken) =>
        TryAddAsync(ToEntity(key), cancellationToken);

    public Task<IndexWriteResult> UpdateAccessKeyAsync(AccessKeyRecord key, CancellationToken cancellationToken) =>
        ReplaceAsync(ToEntity(key), key.ConcurrencyToken, cancellationToken);

    public Task<IndexWriteResult> DeleteAccessKeyAsync(string accessKeyId, CancellationToken cancellationToken) =>
        DeleteAsync(KeyPartition, accessKeyId, cancellationToken);

    /// <summary>Access key ids come from clients: anything a RowKey cannot hold is simply unknown.</summary>
    private static bool IsValidRowKey(string key) =>
        key.Length is > 0 and <= 128 && !key.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));

    private async Task<bool> TryAddAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    private async Task<IndexWriteResult> ReplaceAsync(TableEntity entity, string? token, CancellationToken cancellationToken)
    {
        try
        {
            await _table.UpdateEntityAsync(entity, token is null ? ETag.All : new ETag(token), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return IndexWriteResult.Success;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return e.Status == 404 ? IndexWriteResult.NotFound : IndexWriteResult.ConditionFailed;
        }
    }

    private async Task<IndexWriteResult> DeleteAsync(string partition, string row, CancellationToken cancellationToken)
    {
        try
        {
            // The SDK answers a missing entity with its 404 response instead of throwing.
            var response = await _table.DeleteEntityAsync(partition, row, ETag.All, cancellationToken).ConfigureAwait(false);
            return response.Status == 404 ? IndexWriteResult.NotFound : IndexWriteResult.Success;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return IndexWriteResult.NotFound;
        }
    }

    private static TableEntity ToEntity(UserRecord user) => new(UserPartition, user.Name)
    {
        ["UserId"] = user.UserId,
        ["CreatedAt"] = user.CreatedAt,
        ["IsAdmin"] = user.IsAdmin,
        ["Disabled"] = user.Disabled,
        ["Policies"] = JsonSerializer.Serialize(user.Policies),
    };

    private static UserRecord ToUser(TableEntity e) =>
        new(e.RowKey, e.GetString("UserId") ?? "", e.GetDateTimeOffset("CreatedAt") ?? default)
        {
            IsAdmin = e.GetBoolean("IsAdmin") ?? false,
            Disabled = e.GetBoolean("Disabled") ?? false,
            Policies = e.GetString("Policies") is { } json ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [] : new Dictionary<string, string>(),
            ConcurrencyToken = e.ETag.ToString(),
        };

    private static TableEntity ToEntity(AccessKeyRecord key) => new(KeyPartition, key.AccessKeyId)
    {
        ["UserName"] = key.UserName,
        ["CreatedAt"] = key.CreatedAt,
        ["Active"] = key.Active,
        ["Secret"] = key.EncryptedSecret,
    };

    private static AccessKeyRecord ToKey(TableEntity e) =>
        new(e.RowKey, e.GetString("UserName") ?? "", e.GetDateTimeOffset("CreatedAt") ?? default, e.GetBoolean("Active") ?? false, e.GetBinary("Secret") ?? [])
        {
            ConcurrencyToken = e.ETag.ToString(),
        };
}
