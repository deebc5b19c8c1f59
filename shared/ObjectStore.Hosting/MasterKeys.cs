using System.Security.Cryptography;
using ObjectStore.Objects.Encryption;

namespace ObjectStore.Hosting;

/// <summary>
/// The master key ring that wraps users' secret keys and objects' data keys. The current key is
/// OBJECTSTORE_MASTER_KEY (base64 of 32 bytes; in Azure an app setting holding a Key Vault reference),
/// else the first line of a local key file, created on first start readable by its owner only.
/// Retired keys (OBJECTSTORE_MASTER_KEY_PREVIOUS, and the key file's further lines) only unwrap.
/// Instances sharing a data directory share the file; of two starting at once, the first rename wins
/// and the other reads the winner's key.
/// </summary>
internal static class MasterKeys
{
    private const int KeyLength = MasterKeyRing.KeyLength;

    public static MasterKeyRing Load(ObjectStoreSettings settings)
    {
        var keys = new List<byte[]>();
        if (settings.MasterKey is { } configured)
            keys.Add(Decode(configured, ObjectStoreSettings.MasterKeySetting));
        else
        {
            var path = settings.MasterKeyFile;
            if (!File.Exists(path))
                CreateKeyFile(path);
            var lines = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
            if (lines.Count == 0)
                throw new InvalidOperationException($"The master key file {path} holds no key.");
            keys.AddRange(lines.Select((line, i) => Decode(line, $"{path} line {i + 1}")));
        }
        keys.AddRange(settings.PreviousMasterKeys.Select(k => Decode(k, ObjectStoreSettings.PreviousMasterKeysSetting)));
        var distinct = keys.DistinctBy(Convert.ToBase64String).ToList();
        return new MasterKeyRing(distinct);
    }

    private static void CreateKeyFile(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var key = RandomNumberGenerator.GetBytes(KeyLength);
        using (var file = new FileStream(temporary, options))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(Convert.ToBase64String(key));
            writer.Flush();
            file.Flush(flushToDisk: true);
        }
        CryptographicOperations.ZeroMemory(key);
        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary); // another instance created it first: use theirs
        }
    }

    private static byte[] Decode(string base64, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"The master key from {source} is not base64.");
        }
        return key.Length == KeyLength ? key : throw new InvalidOperationException($"The master key from {source} must be {KeyLength} bytes (base64 of 32 random bytes).");
    }
}
