using System.Diagnostics;
using ObjectStore.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ObjectStore.IntegrationTests.Clients;

/// <summary>
/// Debian's rclone (1.60) as an S3 client: provider Other, path style, the remote configured through
/// RCLONE_CONFIG_OS_* variables and an empty config file. --s3-upload-cutoff 8M with 8M chunks sends
/// larger files as multipart uploads.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class RcloneClientTests(LocalHostFixture host, ITestOutputHelper output) : IDisposable
{
    private readonly ClientTestData _data = new();
    private readonly string _bucket = ClientTestData.BucketName("rclone");

    public void Dispose() => _data.Dispose();

    private string Remote(string path = "") => $"os:{_bucket}/{path}";

    private Dictionary<string, string?> Environment() => new()
    {
        ["RCLONE_CONFIG_OS_TYPE"] = "s3",
        ["RCLONE_CONFIG_OS_PROVIDER"] = "Other",
        ["RCLONE_CONFIG_OS_ENDPOINT"] = host.Endpoint.ToString().TrimEnd('/'),
        ["RCLONE_CONFIG_OS_ACCESS_KEY_ID"] = LocalHostFixture.AccessKey,
        ["RCLONE_CONFIG_OS_SECRET_ACCESS_KEY"] = LocalHostFixture.SecretKey,
        ["RCLONE_CONFIG_OS_REGION"] = "us-east-1",
        ["RCLONE_CONFIG_OS_FORCE_PATH_STYLE"] = "true",
        // The machine's AWS_CA_BUNDLE makes rclone's AWS SDK refuse its own HTTP transport ("unsupported transport"); http needs none.
        ["AWS_CA_BUNDLE"] = null,
        ["HTTP_PROXY"] = null, ["HTTPS_PROXY"] = null, ["http_proxy"] = null, ["https_proxy"] = null,
    };

    private async Task<ProcessResult> RcloneAsync(params string[] args)
    {
        var rclone = ExternalProcess.Require("rclone", "Install Debian's rclone: apt-get install -y rclone.");
        var config = Path.Combine(_data.Directory, "rclone.conf");
        if (!File.Exists(config)) await File.WriteAllTextAsync(config, "");
        var result = await ExternalProcess.RunCheckedAsync(rclone,
            ["--config", config, "--s3-upload-cutoff", "8M", "--s3-chunk-size", "8M", "--retries", "1", "--low-level-retries", "1", .. args], Environment());
        output.WriteLine($"rclone {string.Join(' ', args.Take(1))}: {result.Elapsed.TotalSeconds:F1} s");
        return result;
    }

    private static string[] Lines(ProcessResult r) => r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private string WriteTree(string name, IEnumerable<string> keys)
    {
        var root = _data.NewDirectory(name);
        foreach (var key in keys)
        {
            var path = Path.Combine(root, key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "body of " + key);
        }
        return root;
    }

    [Fact]
    public async Task Copy_and_check_objects_of_0_1_5MiB_and_100MiB_then_read_back_byte_identical()
    {
        await RcloneAsync("mkdir", Remote());
        var up = _data.NewDirectory("up");
        foreach (var (name, size) in ClientTestData.Payloads)
            File.Move(_data.Payload(name, size), Path.Combine(up, name));

        var started = Stopwatch.GetTimestamp();
        await RcloneAsync("copy", up, Remote("sizes"));
        await RcloneAsync("check", up, Remote("sizes")); // sizes and MD5 (the ETag) of every file
        var down = _data.NewDirectory("down");
        await RcloneAsync("copy", Remote("sizes"), down);
        output.WriteLine($"4 objects up, checked and down: {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");

        foreach (var (name, _) in ClientTestData.Payloads)
            Assert.True(ClientTestData.Sha256(Path.Combine(up, name)) == ClientTestData.Sha256(Path.Combine(down, name)), $"{name} read back differs");
        var ls = await RcloneAsync("ls", Remote());
        Assert.Equal(ClientTestData.Payloads.Select(p => $"{p.Size} sizes/{p.Name}").Order(StringComparer.Ordinal),
            Lines(ls).Select(l => l.Trim()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Listing_recursive_and_by_directory()
    {
        string[] keys = ["a.txt", "dir1/x", "dir1/y", "dir2/sub/z", "z.txt"];
        await RcloneAsync("mkdir", Remote());
        await RcloneAsync("copy", WriteTree("tree", keys), Remote());

        // --fast-list: one listing without a delimiter; without it rclone lists directory by directory.
        Assert.Equal(keys, Lines(await RcloneAsync("lsf", "-R", "--files-only", "--fast-list", Remote())).Order(StringComparer.Ordinal));
        Assert.Equal(keys, Lines(await RcloneAsync("lsf", "-R", "--files-only", Remote())).Order(StringComparer.Ordinal));
        Assert.Equal(["a.txt", "dir1/", "dir2/", "z.txt"], Lines(await RcloneAsync("lsf", Remote())).Order(StringComparer.Ordinal));
        Assert.Equal(["sub/"], Lines(await RcloneAsync("lsf", Remote("dir2"))));
    }

    [Fact]
    public async Task Sync_mirrors_additions_changes_and_deletions_then_check_agrees()
    {
        await RcloneAsync("mkdir", Remote());
        var local = WriteTree("sync", ["keep.txt", "change.txt", "gone/soon.txt"]);
        await RcloneAsync("sync", local, Remote("mirror"));
        await RcloneAsync("check", local, Remote("mirror"));

        File.Delete(Path.Combine(local, "gone", "soon.txt"));
        Directory.Delete(Path.Combine(local, "gone"));
        await File.WriteAllTextAsync(Path.Combine(local, "change.txt"), "changed, and longer than before");
        await File.WriteAllTextAsync(Path.Combine(local, "new.txt"), "new");
        await RcloneAsync("sync", local, Remote("mirror"));
        await RcloneAsync("check", local, Remote("mirror"));

        Assert.Equal(["change.txt", "keep.txt", "new.txt"], Lines(await RcloneAsync("lsf", "-R", "--files-only", Remote("mirror"))).Order(StringComparer.Ordinal));
        // Output is captured line by line, each line ending in \n.
        Assert.Equal("changed, and longer than before\n", (await RcloneAsync("cat", Remote("mirror/change.txt"))).StdOut);
    }

    [Fact]
    public async Task Server_side_copy_then_delete_an_object()
    {
        await RcloneAsync("mkdir", Remote());
        var source = _data.Payload("five-mib.bin", 5 * ClientTestData.MiB);
        await RcloneAsync("copyto", source, Remote("original"));
        await RcloneAsync("copyto", Remote("original"), Remote("copies/duplicate"));
        var target = _data.NewFilePath("copy");
        await RcloneAsync("copyto", Remote("copies/duplicate"), target);
        Assert.Equal(ClientTestData.Sha256(source), ClientTestData.Sha256(target));

        await RcloneAsync("deletefile", Remote("copies/duplicate"));
        Assert.Equal(["original"], Lines(await RcloneAsync("lsf", "-R", "--files-only", Remote())));
    }

    [Fact]
    public async Task Awkward_keys_copy_up_and_down_and_check()
    {
        await RcloneAsync("mkdir", Remote());
        var keys = AwkwardKeys.Printable;
        var local = WriteTree("awkward", keys);
        await RcloneAsync("copy", local, Remote());
        await RcloneAsync("check", local, Remote());

        var listed = Lines(await RcloneAsync("lsf", "-R", "--files-only", "--fast-list", Remote()));
        Assert.Equal(AwkwardKeys.InS3Order(keys), AwkwardKeys.InS3Order(listed));

        var down = _data.NewDirectory("down");
        await RcloneAsync("copy", Remote(), down);
        foreach (var key in keys)
            Assert.Equal("body of " + key, await File.ReadAllTextAsync(Path.Combine(down, key)));

        await RcloneAsync("delete", Remote(AwkwardKeys.Prefix));
        Assert.Empty(Lines(await RcloneAsync("lsf", "-R", "--files-only", Remote())));
    }
}
