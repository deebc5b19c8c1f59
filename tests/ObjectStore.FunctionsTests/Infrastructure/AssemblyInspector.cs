using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace ObjectStore.FunctionsTests.Infrastructure;

/// <summary>Reads an assembly's metadata without loading it (no Functions worker or Azure SDK needed in the test host).</summary>
internal sealed class AssemblyInspector : IDisposable
{
    private readonly PEReader _peReader;
    private readonly MetadataReader _reader;

    public AssemblyInspector(string path)
    {
        _peReader = new PEReader(File.OpenRead(path));
        _reader = _peReader.GetMetadataReader();
    }

    public IReadOnlyList<string> ReferencedAssemblies =>
        _reader.AssemblyReferences.Select(h => _reader.GetString(_reader.GetAssemblyReference(h).Name)).ToArray();

    /// <summary>The type's attributes and the names of the methods it declares, or null if the assembly has no such type.</summary>
    public (TypeAttributes Attributes, IReadOnlyList<string> Methods)? FindType(string fullName)
    {
        foreach (var handle in _reader.TypeDefinitions)
        {
            var type = _reader.GetTypeDefinition(handle);
            var name = _reader.GetString(type.Name);
            var ns = _reader.GetString(type.Namespace);
            if ((ns.Length == 0 ? name : $"{ns}.{name}") != fullName)
                continue;
            var methods = type.GetMethods().Select(m => _reader.GetString(_reader.GetMethodDefinition(m).Name)).ToArray();
            return (type.Attributes, methods);
        }
        return null;
    }

    public void Dispose() => _peReader.Dispose();
}
