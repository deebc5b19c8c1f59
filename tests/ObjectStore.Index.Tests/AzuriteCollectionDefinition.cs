using ObjectStore.Testing;

namespace ObjectStore.Index.Tests;

/// <summary>One Azurite for every test class of this assembly marked [Collection(AzuriteCollection.Name)].</summary>
[CollectionDefinition(AzuriteCollection.Name)]
public sealed class AzuriteCollectionDefinition : ICollectionFixture<AzuriteFixture>;
