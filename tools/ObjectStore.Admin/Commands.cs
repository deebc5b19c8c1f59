namespace ObjectStore.Admin;

/// <param name="Noun">First word on the command line ("repair").</param>
/// <param name="Verb">Second word ("run").</param>
/// <param name="Method">HTTP method of the admin route.</param>
/// <param name="Path">Route path under /_admin/v1/; "{0}", "{1}" ... take the arguments after the verb, in order.</param>
/// <param name="Summary">One line for the usage text.</param>
/// <param name="TakesBody">Reads a JSON or XML body from --body FILE (or - for stdin).</param>
/// <param name="BodyOption">Another name for --body on this command (e.g. "rules" for --rules FILE).</param>
internal sealed record AdminCommand(string Noun, string Verb, string Method, string Path, string Summary, bool TakesBody = false, string? BodyOption = null)
{
    public int ArgumentCount => Enumerable.Range(0, 10).Count(i => Path.Contains("{" + i + "}", StringComparison.Ordinal));
}

/// <summary>Every named command: one line each, next to the admin route it calls.</summary>
internal static class Commands
{
    public static readonly AdminCommand[] All =
    [
        new("routes", "list", "GET", "routes", "List the admin routes this server serves"),
        new("events", "destinations", "GET", "notifications/destinations", "List the event destinations (ARNs bucket configurations may name)"),
        new("events", "poisoned", "GET", "notifications/poison", "List events that gave up after the configured attempts"),
        new("events", "replay", "POST", "notifications/poison/replay", "Replay poisoned events onto the events queue (all, or --event-id ID)"),
        new("events", "sweep", "POST", "notifications/sweep", "Move events left in the outbox onto the events queue now"),
        new("repair", "report", "GET", "repair/report", "Shard health: data and bytes by state and zone, the last pass's repairs and orphans"),
        new("repair", "run", "POST", "repair/run", "Run one repair pass now (heal requests, walk, orphans) and print the report"),
        new("lifecycle", "run", "POST", "lifecycle/run", "Run one lifecycle pass over every bucket now"),
        new("lifecycle", "dry-run", "POST", "lifecycle/dry-run?bucket={0}",
            "What the bucket's rules (or --rules FILE) would do and cost; --after-days N evaluates N rule days ahead", TakesBody: true, BodyOption: "rules"),
    ];
}
