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
        new("usage", "show", "GET", "usage", "Objects, bytes (logical and stored) and monthly cost of every bucket (--bucket B: one), as of the last usage pass"),
        new("usage", "run", "POST", "usage/run", "Run the usage pass now (every bucket, or --bucket B) and print the usage"),
        new("index", "status", "GET", "index/partitions?bucket={0}", "A bucket's index partitions and any split growing them"),
        new("index", "grow", "POST", "index/partitions?bucket={0}&count={1}",
            "Grow a bucket's index to COUNT partitions online (a power of two, at most 64); one call works up to --seconds S (200): run it again until \"done\": true"),
        new("users", "list", "GET", "users", "List users"),
        new("users", "create", "POST", "users/{0}", "Create a user (--admin true: it may call the admin API)"),
        new("users", "get", "GET", "users/{0}", "Show a user and the names of its policies"),
        new("users", "delete", "DELETE", "users/{0}", "Delete a user and its access keys"),
        new("users", "disable", "POST", "users/{0}/disable", "Refuse every key of a user from the next request on"),
        new("users", "enable", "POST", "users/{0}/enable", "Accept a disabled user's keys again"),
        new("users", "set-admin", "POST", "users/{0}/admin", "Let a user call the admin API or not (--admin true|false)"),
        new("keys", "create", "POST", "users/{0}/keys", "Create an access key pair for a user; the secret is shown only in this answer"),
        new("keys", "list", "GET", "users/{0}/keys", "List a user's access keys (never their secrets)"),
        new("keys", "disable", "POST", "keys/{0}/disable", "Refuse an access key from the next request on"),
        new("keys", "enable", "POST", "keys/{0}/enable", "Accept a disabled access key again"),
        new("keys", "delete", "DELETE", "keys/{0}", "Delete an access key"),
        new("policies", "list", "GET", "users/{0}/policies", "List a user's inline policy names"),
        new("policies", "put", "PUT", "users/{0}/policies/{1}", "Attach or replace a user's inline IAM policy", TakesBody: true),
        new("policies", "get", "GET", "users/{0}/policies/{1}", "Show a user's inline policy"),
        new("policies", "delete", "DELETE", "users/{0}/policies/{1}", "Remove a user's inline policy"),
        new("master-key", "status", "GET", "master-key/status", "The current master key id and how many secrets and data keys each master key wraps"),
        new("master-key", "rewrap", "POST", "master-key/rewrap",
            "Re-wrap every access key secret and data key not under the current master key (no data is rewritten; --batch N per pass)"),
        new("master-key", "generate", Local, "", "Print a new random master key (base64 of 32 bytes); nothing is sent to the server"),
    ];

    /// <summary>Method of a command answered by this tool itself, without calling the server.</summary>
    public const string Local = "LOCAL";
}
