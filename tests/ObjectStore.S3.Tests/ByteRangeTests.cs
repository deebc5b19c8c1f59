using ObjectStore.S3.Protocol;

namespace ObjectStore.S3.Tests;

public sealed class ByteRangeTests
{
    [Theory]
    [InlineData("bytes=0-9", 100, 0, 10)]
    [InlineData("bytes=10-19", 100, 10, 10)]
    [InlineData("bytes=90-200", 100, 90, 10)]
    [InlineData("bytes=50-", 100, 50, 50)]
    [InlineData("bytes=-10", 100, 90, 10)]
    [InlineData("bytes=-500", 100, 0, 100)]
    [InlineData("bytes=99-99", 100, 99, 1)]
    [InlineData(" bytes=1-2 ", 100, 1, 2)]
    public void Single_range_is_satisfiable(string header, long size, long offset, long length)
    {
        var range = ByteRange.Parse(header, size);
        Assert.Equal(new ByteRange(RangeKind.Satisfiable, offset, length), range);
    }

    [Fact]
    public void Content_range_names_first_last_and_size()
    {
        Assert.Equal("bytes 10-19/100", ByteRange.Parse("bytes=10-19", 100).ContentRange(100));
    }

    [Theory]
    [InlineData("bytes=100-", 100)]
    [InlineData("bytes=100-200", 100)]
    [InlineData("bytes=-0", 100)]
    [InlineData("bytes=0-", 0)]
    [InlineData("bytes=-5", 0)]
    public void Range_past_the_end_is_unsatisfiable(string header, long size)
    {
        Assert.Equal(RangeKind.Unsatisfiable, ByteRange.Parse(header, size).Kind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("bytes=0-1,5-6")]
    [InlineData("items=0-1")]
    [InlineData("bytes=5-1")]
    [InlineData("bytes=a-b")]
    [InlineData("bytes=-")]
    [InlineData("bytes=1")]
    [InlineData("bytes=+1-2")]
    public void Multiple_or_malformed_ranges_are_ignored(string? header)
    {
        Assert.Equal(RangeKind.None, ByteRange.Parse(header, 100).Kind);
    }
}
