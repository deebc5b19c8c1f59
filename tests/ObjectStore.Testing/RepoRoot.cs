namespace ObjectStore.Testing;

/// <summary>Finds the repository root: the first folder above the test binaries holding ObjectStore.sln or package.json.</summary>
public static class RepoRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ObjectStore.sln")) ||
                File.Exists(Path.Combine(dir.FullName, "package.json")))
                return dir.FullName;
        }
        throw new InvalidOperationException(
            $"No folder above '{AppContext.BaseDirectory}' contains ObjectStore.sln or package.json.");
    }
}
