using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ObjectStore.IntegrationTests.Infrastructure;

/// <summary>One log call as a host made it: the rendered line and the structured values behind it.</summary>
public sealed record CapturedLog(
    string Category, LogLevel Level, EventId EventId, string Message,
    IReadOnlyDictionary<string, object?> State, Exception? Exception)
{
    public object? this[string name] => State.GetValueOrDefault(name);

    public override string ToString() => $"{Level} {Category}[{EventId.Id}] {Message}" + (Exception is null ? "" : $" ({Exception.GetType().Name}: {Exception.Message})");
}

/// <summary>
/// An in-memory logger provider for one local host instance: every line the host logs (after the
/// host's own level filters), in order, for tests to assert on. Thread-safe.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => _entries.ToArray();

    /// <summary>Lines with this event id (event ids are stable per area, e.g. 2001 = bad shard).</summary>
    public IReadOnlyList<CapturedLog> WithEventId(int id) => Entries.Where(e => e.EventId.Id == id).ToArray();

    /// <summary>Every captured line, for failure messages.</summary>
    public string Dump() => string.Join('\n', Entries);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
                foreach (var (key, value) in pairs)
                    values[key] = value;
            capture._entries.Enqueue(new CapturedLog(category, logLevel, eventId, formatter(state, exception), values, exception));
        }
    }
}
