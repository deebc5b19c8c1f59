namespace ObjectStore.Index;

/// <summary>Bytes that may be absent, as a nullable memory (<see cref="ObjectRecord.InlineData"/>).</summary>
public static class NullableMemory
{
    /// <summary>
    /// The bytes as memory, or null when there are none. Assigning a null <c>byte[]</c> to a
    /// <c>ReadOnlyMemory&lt;byte&gt;?</c> directly gives an empty memory, not null (the implicit conversion
    /// from arrays maps null to empty), and an empty inline value is a zero-byte object, not "no inline data".
    /// </summary>
    public static ReadOnlyMemory<byte>? AsNullableMemory(this byte[]? bytes)
    {
        if (bytes is null)
            return null; // not "bytes is null ? null : ...": that conditional's type is ReadOnlyMemory<byte>, and its null converts to empty
        return new ReadOnlyMemory<byte>(bytes);
    }
}
