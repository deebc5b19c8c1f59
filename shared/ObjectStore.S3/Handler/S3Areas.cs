namespace ObjectStore.S3;

/// <summary>
/// The handlers by area the entry point (<see cref="S3RequestHandler"/>) dispatches to. Nothing but a bundle,
/// as <c>ObjectModel</c> is for the model: each handler has its own small set of dependencies.
/// </summary>
internal sealed record S3Areas(
    AdminRequestHandler Admin,
    AccessConfigurationHandler Access,
    MultipartHandler Multipart,
    BucketConfigurationHandler BucketConfiguration,
    ListingHandler Listing,
    ObjectsHandler Objects,
    ObjectSubresourceHandler Subresources,
    BrowserHandler Browser,
    ObjectLockHandler ObjectLock)
{
    /// <summary>?acl and ?ownershipControls.</summary>
    public required AclHandler Acl { get; init; }
}
