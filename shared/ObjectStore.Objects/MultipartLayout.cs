using System.Globalization;
using System.Text;

namespace ObjectStore.Objects;

/// <summary>
/// The DataLayout of an object completed from a multipart upload: it names the upload, whose part rows
/// hold each part's own data layout (a 10,000-part list does not fit one entity). Serialized as
/// <c>mp1;bucket;uploadId;partCount;size;uniformPartSize;selection</c>. <c>uniformPartSize</c> is the size
/// of every part but the last when they are all equal (0 otherwise), so a range read finds its first part
/// without reading the part rows before it. <c>selection</c> is empty when the object is parts 1..partCount,
/// else the part numbers it is made of as ranges (<c>1-4,6,9-12</c>).
/// </summary>
internal sealed record MultipartLayout(string Bucket, string UploadId, int PartCount, long Size, long UniformPartSize, IReadOnlyList<int>? PartNumbers)
{
    private const string Prefix = "mp1;";

    public static bool IsMultipart(string serializedLayout) => serializedLayout.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The layout of an object made of <paramref name="parts"/> (part number, size), in order.</summary>
    public static MultipartLayout Of(string bucket, string uploadId, IReadOnlyList<(int Number, long Size)> parts)
    {
        var contiguous = parts.Select((p, i) => p.Number == i + 1).All(x => x);
        var uniform = parts.Count > 0 && parts.Take(parts.Count - 1).All(p => p.Size == parts[0].Size) && parts[^1].Size <= parts[0].Size
            ? parts[0].Size
            : 0;
        return new MultipartLayout(bucket, uploadId, parts.Count, parts.Sum(p => p.Size), uniform, contiguous ? null : parts.Select(p => p.Number).ToArray());
    }

    /// <summary>Where the object's part <paramref name="index"/> (1-based position) starts, when computable without the part rows.</summary>
    public long? DirectOffsetOf(int index) => PartNumbers is null && UniformPartSize > 0 ? (index - 1) * UniformPartSize : null;

    public string Serialize()
    {
        var selection = new StringBuilder();
        if (PartNumbers is { } numbers)
        {
            for (var i = 0; i < numbers.Count;)
            {
                var j = i;
                while (j + 1 < numbers.Count && numbers[j + 1] == numbers[j] + 1) j++;
                if (selection.Length > 0) selection.Append(',');
                selection.Append(numbers[i].ToString(CultureInfo.InvariantCulture));
                if (j > i) selection.Append('-').Append(numbers[j].ToString(CultureInfo.InvariantCulture));
                i = j + 1;
            }
        }
        return string.Join(';', "mp1", Bucket, UploadId, PartCount.ToString(CultureInfo.InvariantCulture),
            Size.ToString(CultureInfo.InvariantCulture), UniformPartSize.ToString(CultureInfo.InvariantCulture), selection.ToString());
    }

    public static MultipartLayout Parse(string text)
    {
        var f = text.Split(';');
        if (f.Length != 7 || f[0] != "mp1")
            throw new FormatException($"Unknown multipart layout format: '{text}'.");
        List<int>? numbers = null;
        if (f[6].Length > 0)
        {
            numbers = [];
            foreach (var range in f[6].Split(','))
            {
                var dash = range.IndexOf('-');
                var first = int.Parse(dash < 0 ? range : range[..dash], CultureInfo.InvariantCulture);
                var last = dash < 0 ? first : int.Parse(range[(dash + 1)..], CultureInfo.InvariantCulture);
                for (var n = first; n <= last; n++) numbers.Add(n);
            }
        }
        return new MultipartLayout(f[1], f[2], int.Parse(f[3], CultureInfo.InvariantCulture), long.Parse(f[4], CultureInfo.InvariantCulture),
            long.Parse(f[5], CultureInfo.InvariantCulture), numbers);
    }
}
