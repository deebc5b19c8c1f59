using ObjectStore.Index;

namespace ObjectStore.Index.Tests;

/// <summary>Absent bytes stay absent as a nullable memory; present bytes (even none) stay present.</summary>
public sealed class NullableMemoryTests
{
    [Fact]
    public void A_null_array_is_null_where_a_plain_assignment_gives_empty_memory()
    {
        byte[]? absent = null;
        ReadOnlyMemory<byte>? converted = absent; // the trap: the implicit conversion maps null to empty

        Assert.True(converted.HasValue);
        Assert.Null(absent.AsNullableMemory());
    }

    [Fact]
    public void An_empty_array_is_present_and_empty()
    {
        var empty = Array.Empty<byte>().AsNullableMemory();

        Assert.True(empty.HasValue);
        Assert.Equal(0, empty!.Value.Length);
    }

    [Fact]
    public void Bytes_are_the_same_bytes()
    {
        byte[] bytes = [1, 2, 3];

        Assert.Equal(bytes, bytes.AsNullableMemory()!.Value.ToArray());
    }

    [Fact]
    public void A_record_built_from_absent_inline_bytes_has_no_inline_data()
    {
        byte[]? inline = null;
        var record = new ObjectRecord("bucket", "key", "data", 0, "\"d41d8cd98f00b204e9800998ecf8427e\"", DateTimeOffset.UnixEpoch, "STANDARD", "layout")
        {
            InlineData = inline.AsNullableMemory(),
        };

        Assert.Null(record.InlineData);
    }
}
