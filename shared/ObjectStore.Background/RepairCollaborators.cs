using ObjectStore.Index;
using ObjectStore.Storage;

namespace ObjectStore.Background;

/// <summary>
/// The data plane as the repair pass sees it: the data store (deferred deletions) and its maintenance
/// view (verify and rebuild, list and collect shard files). One object in the composition, two seams.
/// </summary>
public sealed record RepairDataPlane(IObjectDataStore Data, IShardMaintenance Shards);

/// <summary>
/// Where the repair pass keeps its work between runs: the scan state store (cursor, lease, report) and
/// the heal-on-read requests readers queue. Both are created at the pass's first use, together.
/// </summary>
public sealed record RepairWorkState(IScanStateStore Scans, RepairHealQueue HealQueue);
