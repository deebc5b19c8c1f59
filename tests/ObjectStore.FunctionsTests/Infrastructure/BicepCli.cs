using System.Runtime.InteropServices;

namespace ObjectStore.FunctionsTests.Infrastructure;

/// <summary>
/// The offline bicep compiler from NuGet (Azure.Bicep.CommandLine.linux-x64, a PackageDownload of
/// this project, so restoring the tests puts it in the NuGet cache).
/// </summary>
internal static class BicepCli
{
    public const string Version = "0.49.2";

    public static string Find()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
            throw new PlatformNotSupportedException("The bicep check uses the linux-x64 bicep package.");
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(packages, "azure.bicep.commandline.linux-x64", Version, "tools", "bicep");
        Assert.True(File.Exists(path), $"bicep is not at {path}: restore ObjectStore.FunctionsTests first.");

        const UnixFileMode execute = UnixFileMode.UserExecute;
        var mode = File.GetUnixFileMode(path);
        if ((mode & execute) == 0)
            File.SetUnixFileMode(path, mode | execute);
        return path;
    }
}
