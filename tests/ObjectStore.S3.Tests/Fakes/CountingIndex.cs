using System.Collections.Concurrent;
using System.Reflection;
using ObjectStore.Index;

namespace ObjectStore.S3.Tests.Fakes;

/// <summary>
/// A decorator over <see cref="IObjectIndex"/> that counts the calls of each method by name and forwards
/// every call to the index it wraps (a <see cref="DispatchProxy"/>, so it follows the interface as it grows).
/// </summary>
public class CountingIndex : DispatchProxy
{
    private IObjectIndex _inner = null!;

    /// <summary>Calls made so far, by method name.</summary>
    public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    public static (IObjectIndex Index, CountingIndex Counter) Wrap(IObjectIndex inner)
    {
        var proxy = Create<IObjectIndex, CountingIndex>();
        var counter = (CountingIndex)(object)proxy;
        counter._inner = inner;
        return (proxy, counter);
    }

    public int CountOf(string method) => Calls.TryGetValue(method, out var n) ? n : 0;

    public void Reset() => Calls.Clear();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        Calls.AddOrUpdate(targetMethod.Name, 1, (_, n) => n + 1);
        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
