using ObjectStore.Testing;

namespace ObjectStore.Storage.Tests;

/// <summary>One Azurite for every Blob test class of this assembly.</summary>
[CollectionDefinition(AzuriteCollection.Name)]
public sealed class AzuriteCollectionDefinition : ICollectionFixture<AzuriteFixture>;
