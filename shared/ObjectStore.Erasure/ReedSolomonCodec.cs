using System.Collections.Concurrent;
using ObjectStore.Erasure.Kernels;

namespace ObjectStore.Erasure;

/// <summary>
/// Systematic Reed-Solomon over GF(2^8) (polynomial 0x11D) with ISA-L's Cauchy generator
/// (<c>gf_gen_cauchy1_matrix</c>): data shards pass through unchanged, parity row i, column j is
/// 1 / (i XOR j). Any k of the k+m shards rebuild the rest. Thread-safe; build one per profile.
/// </summary>
public sealed unsafe class ReedSolomonCodec : IErasureCodec
{
    /// <summary>Loss patterns are few in practice; the bound only guards against a pathological caller.</summary>
    private const int MaxCachedPatterns = 4096;

    private readonly MultiplyKernel _kernel;
    private readonly byte[] _generator;
    private readonly CodingMatrix _parityMatrix;
    private readonly ConcurrentDictionary<uint, DecodePlan> _decodePlans = new();

    private ReedSolomonCodec(ErasureProfile profile, MultiplyKernel kernel)
    {
        Profile = profile;
        _kernel = kernel;
        int k = profile.DataShards, m = profile.ParityShards;
        _generator = GaloisMatrix.CauchyGenerator(k, m);
        _parityMatrix = kernel.Prepare(_generator.AsSpan(k * k).ToArray(), m, k);
    }

    public ErasureProfile Profile { get; }

    /// <summary>The instruction-set path this instance uses.</summary>
    public GaloisKernel Kernel => _kernel.Kind;

    /// <summary>Every kernel this CPU can run, <see cref="GaloisKernel.Scalar"/> always included.</summary>
    public static IReadOnlyList<GaloisKernel> SupportedKernels => KernelCatalog.Supported;

    /// <summary>The kernel <see cref="Create(ErasureProfile)"/> picks on this CPU.</summary>
    public static GaloisKernel BestKernel => KernelCatalog.Best;

    /// <summary>A codec for <paramref name="profile"/> using the fastest kernel this CPU supports.</summary>
    public static ReedSolomonCodec Create(ErasureProfile profile) => Create(profile, KernelCatalog.Best);

    /// <summary>A codec forced onto one kernel (tests, benchmarks). Throws <see cref="PlatformNotSupportedException"/> if the CPU lacks it.</summary>
    public static ReedSolomonCodec Create(ErasureProfile profile, GaloisKernel kernel)
    {
        // Re-validate: a default or hand-built record struct bypasses ErasureProfile.Create.
        ErasureProfile.Create(profile.DataShards, profile.ParityShards);
        return new ReedSolomonCodec(profile, KernelCatalog.Get(kernel));
    }

    /// <summary>For tests: a codec on a specific kernel instance (e.g. one with fewer rows per pass).</summary>
    internal static ReedSolomonCodec Create(ErasureProfile profile, MultiplyKernel kernel)
    {
        ErasureProfile.Create(profile.DataShards, profile.ParityShards);
        return new ReedSolomonCodec(profile, kernel);
    }

    public void Encode(ReadOnlySpan<ReadOnlyMemory<byte>> data, ReadOnlySpan<Memory<byte>> parity)
    {
        int k = Profile.DataShards, m = Profile.ParityShards;
        if (data.Length != k)
            throw new ArgumentException($"Expected {k} data shards, got {data.Length}.", nameof(data));
        if (parity.Length != m)
            throw new ArgumentException($"Expected {m} parity shards, got {parity.Length}.", nameof(parity));
        int length = data[0].Length;
        foreach (var shard in data)
            if (shard.Length != length)
                throw new ArgumentException("All shards must have the same length.", nameof(data));
        foreach (var shard in parity)
            if (shard.Length != length)
                throw new ArgumentException("All shards must have the same length.", nameof(parity));
        if (m == 0 || length == 0)
            return;

        byte** pointers = stackalloc byte*[k + m];
        EncodePinned(data, parity, 0, pointers, length);
    }

    public void Reconstruct(ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<bool> present)
    {
        int k = Profile.DataShards, n = Profile.TotalShards;
        if (shards.Length != n)
            throw new ArgumentException($"Expected {n} shards, got {shards.Length}.", nameof(shards));
        if (present.Length != n)
            throw new ArgumentException($"Expected {n} presence flags, got {present.Length}.", nameof(present));
        int length = shards[0].Length;
        uint presentMask = 0;
        for (int i = 0; i < n; i++)
        {
            if (shards[i].Length != length)
                throw new ArgumentException("All shards must have the same length.", nameof(shards));
            if (present[i])
                presentMask |= 1u << i;
        }
        int presentCount = System.Numerics.BitOperations.PopCount(presentMask);
        if (presentCount == n)
            return;
        if (presentCount < k)
            throw new InvalidOperationException($"Only {presentCount} of {n} shards are present; {k} are needed to reconstruct.");
        if (length == 0)
            return;

        var plan = GetDecodePlan(presentMask);
        byte** pointers = stackalloc byte*[k + plan.Missing.Length];
        ReconstructPinned(shards, plan, 0, pointers, length);
    }

    // Nested `fixed` through recursion pins any number of shards without a GCHandle per shard.
    private void EncodePinned(ReadOnlySpan<ReadOnlyMemory<byte>> data, ReadOnlySpan<Memory<byte>> parity, int index, byte** pointers, int length)
    {
        int k = data.Length;
        if (index < k)
        {
            fixed (byte* p = data[index].Span)
            {
                pointers[index] = p;
                EncodePinned(data, parity, index + 1, pointers, length);
            }
        }
        else if (index < k + parity.Length)
        {
            fixed (byte* p = parity[index - k].Span)
            {
                pointers[index] = p;
                EncodePinned(data, parity, index + 1, pointers, length);
            }
        }
        else
        {
            _kernel.Apply(_parityMatrix, pointers, pointers + k, length);
        }
    }

    private void ReconstructPinned(ReadOnlySpan<Memory<byte>> shards, DecodePlan plan, int index, byte** pointers, int length)
    {
        int k = plan.Survivors.Length;
        if (index < k + plan.Missing.Length)
        {
            int shard = index < k ? plan.Survivors[index] : plan.Missing[index - k];
            fixed (byte* p = shards[shard].Span)
            {
                pointers[index] = p;
                ReconstructPinned(shards, plan, index + 1, pointers, length);
            }
        }
        else
        {
            _kernel.Apply(plan.Matrix, pointers, pointers + k, length);
        }
    }

    private DecodePlan GetDecodePlan(uint presentMask)
    {
        if (_decodePlans.TryGetValue(presentMask, out var plan))
            return plan;
        plan = BuildDecodePlan(presentMask);
        if (_decodePlans.Count < MaxCachedPatterns)
            plan = _decodePlans.GetOrAdd(presentMask, plan);
        return plan;
    }

    /// <summary>
    /// Survivors are the first k present shards (data first, so fewer multiplications by
    /// non-identity rows). Each missing shard i is row i of the generator times the inverse of the
    /// survivors' rows: one pass over the survivors rebuilds data and parity alike.
    /// </summary>
    private DecodePlan BuildDecodePlan(uint presentMask)
    {
        int k = Profile.DataShards, n = Profile.TotalShards;
        var survivors = new int[k];
        var missing = new List<int>();
        int found = 0;
        for (int i = 0; i < n; i++)
        {
            if ((presentMask >> i & 1) == 0)
                missing.Add(i);
            else if (found < k)
                survivors[found++] = i;
        }

        var survivorRows = new byte[k * k];
        for (int r = 0; r < k; r++)
            Array.Copy(_generator, survivors[r] * k, survivorRows, r * k, k);
        var inverse = GaloisMatrix.Invert(survivorRows, k);

        var missingRows = new byte[missing.Count * k];
        for (int r = 0; r < missing.Count; r++)
            Array.Copy(_generator, missing[r] * k, missingRows, r * k, k);
        var decode = GaloisMatrix.Multiply(missingRows, inverse, missing.Count, k, k);

        return new DecodePlan(survivors, missing.ToArray(), _kernel.Prepare(decode, missing.Count, k));
    }

    private sealed record DecodePlan(int[] Survivors, int[] Missing, CodingMatrix Matrix);
}
