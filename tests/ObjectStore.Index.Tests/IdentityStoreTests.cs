using Azure.Data.Tables;
using ObjectStore.Index.Identity;
using ObjectStore.Testing;

namespace ObjectStore.Index.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class IdentityStoreTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Created = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);

    private async Task<TableIdentityStore> CreateAsync()
    {
        var store = new TableIdentityStore(new TableServiceClient(azurite.ConnectionString), UniqueNames.Table("id"));
        await store.InitializeAsync(None);
        return store;
    }

    [Fact]
    public async Task Users_round_trip_with_policies_and_flags_and_names_are_unique()
    {
        var store = await CreateAsync();
        var alice = new UserRecord("alice", "OSUA", Created) { IsAdmin = true, Policies = new Dictionary<string, string> { ["read"] = """{"Statement":[]}""" } };
        Assert.True(await store.TryCreateUserAsync(alice, None));
        Assert.False(await store.TryCreateUserAsync(alice with { UserId = "OSUX" }, None));
        Assert.True(await store.TryCreateUserAsync(new UserRecord("bob", "OSUB", Created), None));

        var read = await store.GetUserAsync("alice", None);
        Assert.NotNull(read);
        Assert.Equal(("alice", "OSUA", Created, true, false), (read.Name, read.UserId, read.CreatedAt, read.IsAdmin, read.Disabled));
        Assert.Equal("""{"Statement":[]}""", read.Policies["read"]);
        Assert.Null(await store.GetUserAsync("carol", None));

        var names = new List<string>();
        await foreach (var user in store.ListUsersAsync(None))
            names.Add(user.Name);
        Assert.Equal(["alice", "bob"], names);
    }

    [Fact]
    public async Task Updates_are_conditional_on_the_read_version()
    {
        var store = await CreateAsync();
        await store.TryCreateUserAsync(new UserRecord("alice", "OSUA", Created), None);
        var first = (await store.GetUserAsync("alice", None))!;
        var second = (await store.GetUserAsync("alice", None))!;
        Assert.Equal(IndexWriteResult.Success, await store.UpdateUserAsync(first with { Disabled = true }, None));
        Assert.Equal(IndexWriteResult.ConditionFailed, await store.UpdateUserAsync(second with { IsAdmin = true }, None));
        var now = (await store.GetUserAsync("alice", None))!;
        Assert.True(now.Disabled);
        Assert.False(now.IsAdmin);
        Assert.Equal(IndexWriteResult.Success, await store.DeleteUserAsync("alice", None));
        Assert.Equal(IndexWriteResult.NotFound, await store.DeleteUserAsync("alice", None));
        Assert.Equal(IndexWriteResult.NotFound, await store.UpdateUserAsync(now, None));
    }

    [Fact]
    public async Task Access_keys_store_the_sealed_bytes_as_given_and_list_per_user()
    {
        var store = await CreateAsync();
        byte[] sealedSecret = [1, 2, 3, 250, 0, 7];
        Assert.True(await store.TryCreateAccessKeyAsync(new AccessKeyRecord("OSKEY1", "alice", Created, true, sealedSecret), None));
        Assert.False(await store.TryCreateAccessKeyAsync(new AccessKeyRecord("OSKEY1", "bob", Created, true, sealedSecret), None));
        Assert.True(await store.TryCreateAccessKeyAsync(new AccessKeyRecord("OSKEY2", "bob", Created, true, [9]), None));

        var key = (await store.GetAccessKeyAsync("OSKEY1", None))!;
        Assert.Equal(sealedSecret, key.EncryptedSecret);
        Assert.True(key.Active);
        Assert.Equal(IndexWriteResult.Success, await store.UpdateAccessKeyAsync(key with { Active = false }, None));
        Assert.False((await store.GetAccessKeyAsync("OSKEY1", None))!.Active);
        Assert.Equal(IndexWriteResult.ConditionFailed, await store.UpdateAccessKeyAsync(key, None));

        var aliceKeys = new List<string>();
        await foreach (var k in store.ListAccessKeysAsync("alice", None))
            aliceKeys.Add(k.AccessKeyId);
        Assert.Equal(["OSKEY1"], aliceKeys);

        // Ids come from clients: ones a RowKey cannot hold are unknown, not errors.
        Assert.Null(await store.GetAccessKeyAsync("a/b#c?", None));
        Assert.Null(await store.GetAccessKeyAsync("OSNOPE", None));
        Assert.Equal(IndexWriteResult.Success, await store.DeleteAccessKeyAsync("OSKEY1", None));
        Assert.Null(await store.GetAccessKeyAsync("OSKEY1", None));
    }
}
