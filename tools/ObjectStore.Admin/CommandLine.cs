using System.Text;

namespace ObjectStore.Admin;

/// <param name="Method">HTTP method.</param>
/// <param name="Path">Route path under /_admin/v1/ (escaped).</param>
/// <param name="Query">"?a=b&amp;c=d" or "".</param>
/// <param name="BodyFile">A file to send as the body, "-" for stdin, or null.</param>
internal sealed record AdminCall(string Method, string Path, string Query, string? BodyFile);

/// <summary>
/// Turns "noun verb args... [--name value]... [--body FILE]" into an admin call, from the table in
/// <see cref="Commands"/>, or "call METHOD PATH" for any route. Other --name value pairs become query parameters.
/// </summary>
internal static class CommandLine
{
    public static bool TryParse(string[] args, out AdminCall call, out string? problem)
    {
        call = new AdminCall("GET", "", "", null);
        problem = null;
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            return false;

        var positional = new List<string>();
        var query = new List<(string, string)>();
        string? body = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(args[i]);
                continue;
            }
            if (i + 1 >= args.Length)
            {
                problem = $"{args[i]} needs a value.";
                return false;
            }
            if (args[i] == "--body")
                body = args[++i];
            else
                query.Add((args[i][2..], args[++i]));
        }

        // "usage [bucket]": the usage of every bucket or of one (the same as "usage show [--bucket B]").
        if (positional is ["usage", var onlyBucket] && onlyBucket is not ("show" or "run"))
        {
            positional = ["usage", "show"];
            query.Add(("bucket", onlyBucket));
        }
        else if (positional is ["usage"])
        {
            positional = ["usage", "show"];
        }

        string method, path;
        if (positional[0] == "call")
        {
            if (positional.Count != 3)
            {
                problem = "Usage: call METHOD PATH [--body FILE] [--name value]...";
                return false;
            }
            (method, path) = (positional[1].ToUpperInvariant(), positional[2].Trim('/'));
        }
        else
        {
            var command = positional.Count >= 2
                ? Commands.All.FirstOrDefault(c => c.Noun == positional[0] && c.Verb == positional[1])
                : null;
            if (command is null)
            {
                problem = $"Unknown command '{string.Join(' ', positional.Take(2))}'.";
                return false;
            }
            var arguments = positional.Skip(2).Select(Uri.EscapeDataString).ToArray();
            if (arguments.Length != command.ArgumentCount)
            {
                problem = $"'{command.Noun} {command.Verb}' takes {command.ArgumentCount} argument(s).";
                return false;
            }
            if (body is not null && !command.TakesBody)
            {
                problem = $"'{command.Noun} {command.Verb}' takes no body.";
                return false;
            }
            if (command.BodyOption is { } option && query.FindIndex(q => q.Item1 == option) is var at and >= 0)
            {
                body = query[at].Item2;
                query.RemoveAt(at);
            }
            method = command.Method;
            path = string.Format(System.Globalization.CultureInfo.InvariantCulture, command.Path, arguments);
        }

        var separator = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        var queryText = query.Count == 0 ? "" : separator + string.Join('&', query.Select(q => Uri.EscapeDataString(q.Item1) + "=" + Uri.EscapeDataString(q.Item2)));
        call = new AdminCall(method, path, queryText, body);
        return true;
    }

    public static string Usage()
    {
        var text = new StringBuilder("Usage: objectstore-admin <command> [args] [--name value]... [--body FILE|-]\n");
        text.AppendLine("Environment: OBJECTSTORE_ENDPOINT (http://127.0.0.1:9000), OBJECTSTORE_ACCESS_KEY, OBJECTSTORE_SECRET_KEY, OBJECTSTORE_REGION.");
        text.AppendLine("Commands:");
        foreach (var c in Commands.All)
        {
            var args = string.Concat(Enumerable.Range(0, c.ArgumentCount).Select(i => $" <arg{i + 1}>"));
            text.AppendLine($"  {c.Noun} {c.Verb}{args}{(c.TakesBody ? $" [--{c.BodyOption ?? "body"} FILE]" : "")}    {c.Summary}");
        }
        text.AppendLine("  usage [bucket]    The same as usage show [--bucket B]");
        text.AppendLine("  call METHOD PATH [--body FILE]    Call any admin route (PATH under /_admin/v1/)");
        return text.ToString();
    }
}
