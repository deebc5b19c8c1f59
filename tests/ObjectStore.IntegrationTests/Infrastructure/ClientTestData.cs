using System.Security.Cryptography;
using System.Text;

namespace ObjectStore.IntegrationTests.Infrastructure;

/// <summary>
/// A temporary directory with the payloads of the client tests written to disk (never held in
/// memory whole), deleted on dispose. Content is pseudo-random from a fixed seed per file.
/// </summary>
public sealed class ClientTestData : IDisposable
{
    public const long MiB = 1024 * 1024;

    /// <summary>The sizes the issue demands: 0 bytes, 1 byte, 5 MiB and 100 MiB.</summary>
    public static readonly (string Name, long Size)[] Payloads =
    [
        ("empty.bin", 0),
        ("one-byte.bin", 1),
        ("five-mib.bin", 5 * MiB),
        ("hundred-mib.bin", 100 * MiB),
    ];

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("objectstore-clients-").FullName;

    /// <summary>Creates (once) the payload file of that name and size; returns its path.</summary>
    public string Payload(string name, long size)
    {
        var path = Path.Combine(Directory, "payloads", name);
        if (File.Exists(path) && new FileInfo(path).Length == size) return path;
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var random = new Random(name.Sum(c => c) * 7919 + (int)(size % 1_000_003));
        var buffer = new byte[(int)Math.Min(size, MiB)];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        for (long left = size; left > 0;)
        {
            var n = (int)Math.Min(left, buffer.Length);
            random.NextBytes(buffer.AsSpan(0, n));
            file.Write(buffer, 0, n);
            left -= n;
        }
        return path;
    }

    /// <summary>A fresh empty sub-directory.</summary>
    public string NewDirectory(string name)
    {
        var path = Path.Combine(Directory, name + "-" + Guid.NewGuid().ToString("N")[..6]);
        System.IO.Directory.CreateDirectory(path);
        return path;
    }

    public string NewFilePath(string name) => Path.Combine(NewDirectory("f"), name);

    public static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(file));
    }

    /// <summary>A bucket name unique to this run (S3 rules: lower case, digits, '-').</summary>
    public static string BucketName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)];

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Keys with every awkward character, and the order S3 lists them in (UTF-8 byte order).</summary>
public static class AwkwardKeys
{
    public const string Prefix = "awk/";

    /// <summary>Keys every client can carry (no control characters).</summary>
    public static readonly string[] Printable =
    [
        Prefix + "plain.txt",
        Prefix + "with space.txt",
        Prefix + "plus+sign",
        Prefix + "percent%20literal%",
        Prefix + "hash#tag",
        Prefix + "question?mark",
        Prefix + "back\\slash",
        Prefix + "dir/nested/deeper",
        Prefix + "xml&amp<lt>gt\"quote'apos",
        Prefix + "comma,semi;colon:equals=at@dollar$",
        Prefix + "tilde~caret^brackets[]{}|pipe",
        Prefix + "emoji-\U0001F600",
        Prefix + "pua-\uE000",
        Prefix + "replacement-\uFFFD",
        Prefix + "accents-é-ü-ñ",
        Prefix + "cjk-日本語",
    ];

    /// <summary>Keys with control characters, which only the SDKs are asked to carry.</summary>
    public static readonly string[] Control =
    [
        Prefix + "tab\there",
    ];

    /// <summary>Sorts as S3 lists: by the UTF-8 bytes of the key.</summary>
    public static List<string> InS3Order(IEnumerable<string> keys)
    {
        var list = keys.ToList();
        list.Sort((a, b) => Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b)));
        return list;
    }
}
