namespace ObjectStore.Erasure;

/// <summary>A Reed-Solomon profile: <see cref="DataShards"/> data shards protected by <see cref="ParityShards"/> parity shards.</summary>
public readonly record struct ErasureProfile(int DataShards, int ParityShards)
{
    public const int MaxDataShards = 16;
    public const int MaxParityShards = 8;

    public int TotalShards => DataShards + ParityShards;

    public static ErasureProfile Create(int dataShards, int parityShards)
    {
        if (dataShards is < 1 or > MaxDataShards)
            throw new ArgumentOutOfRangeException(nameof(dataShards), dataShards, $"Data shards must be 1..{MaxDataShards}.");
        if (parityShards is < 0 or > MaxParityShards)
            throw new ArgumentOutOfRangeException(nameof(parityShards), parityShards, $"Parity shards must be 0..{MaxParityShards}.");
        return new ErasureProfile(dataShards, parityShards);
    }

    /// <summary>Parses "4+2".</summary>
    public static ErasureProfile Parse(string text)
    {
        var parts = text.Split('+');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var k) || !int.TryParse(parts[1], out var m))
            throw new FormatException($"Erasure profile '{text}' is not of the form k+m.");
        return Create(k, m);
    }

    public override string ToString() => $"{DataShards}+{ParityShards}";
}
