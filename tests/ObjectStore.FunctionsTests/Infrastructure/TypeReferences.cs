using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace ObjectStore.FunctionsTests.Infrastructure;

/// <summary>
/// The type references of one assembly, read from its metadata without loading it: for every type it
/// defines, the types it names in its base type, interfaces, member signatures, attributes, locals and
/// method bodies (IL tokens). Nested and compiler-generated types count for their outermost type.
/// </summary>
internal sealed class TypeReferences
{
    private static readonly Dictionary<int, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => (int)(ushort)o.Value, o => o.OperandType);

    private readonly Dictionary<(string From, string To), (string FromType, string ToType)> _edges = [];

    private TypeReferences(string assemblyName) => AssemblyName = assemblyName;

    public string AssemblyName { get; }

    /// <summary>Names of the assemblies it references.</summary>
    public IReadOnlyList<string> ReferencedAssemblies { get; private set; } = [];

    /// <summary>Namespaces of the types it defines.</summary>
    public IReadOnlySet<string> DefinedNamespaces { get; private set; } = new HashSet<string>();

    /// <summary>Namespace to referenced namespace, with one example (referencing type, referenced type) each.</summary>
    public IReadOnlyDictionary<(string From, string To), (string FromType, string ToType)> Edges => _edges;

    /// <summary>Every constructor of a class that is neither a record nor compiler-generated: type and parameter type names.</summary>
    public IReadOnlyList<(string Type, IReadOnlyList<string> Parameters)> Constructors { get; private set; } = [];

    public static TypeReferences Read(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var reader = pe.GetMetadataReader();
        var result = new TypeReferences(reader.GetString(reader.GetAssemblyDefinition().Name));
        result.ReadAll(pe, reader);
        return result;
    }

    private void ReadAll(PEReader pe, MetadataReader reader)
    {
        ReferencedAssemblies = reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToArray();
        var defined = new HashSet<string>(StringComparer.Ordinal);
        var constructors = new List<(string, IReadOnlyList<string>)>();
        foreach (var handle in reader.TypeDefinitions)
        {
            var outer = Outermost(reader, handle);
            var from = reader.GetString(outer.Namespace);
            var fromType = from + "." + reader.GetString(outer.Name);
            if (from.Length > 0)
                defined.Add(from);
            var sink = new Sink(this, from, fromType);
            var provider = new NameProvider(sink);
            var type = reader.GetTypeDefinition(handle);

            sink.Entity(reader, provider, type.BaseType);
            foreach (var i in type.GetInterfaceImplementations())
                sink.Entity(reader, provider, reader.GetInterfaceImplementation(i).Interface);
            sink.Attributes(reader, provider, type.GetCustomAttributes());
            foreach (var f in type.GetFields())
            {
                var field = reader.GetFieldDefinition(f);
                field.DecodeSignature(provider, null);
                sink.Attributes(reader, provider, field.GetCustomAttributes());
            }
            foreach (var p in type.GetProperties())
            {
                var property = reader.GetPropertyDefinition(p);
                property.DecodeSignature(provider, null);
                sink.Attributes(reader, provider, property.GetCustomAttributes());
            }
            var isRecord = type.GetMethods().Any(m => reader.GetString(reader.GetMethodDefinition(m).Name) == "<Clone>$");
            var isGenerated = reader.GetString(outer.Name).StartsWith('<') || IsCompilerGenerated(reader, type);
            var isClass = (type.Attributes & TypeAttributes.Interface) == 0 && !IsValueTypeOrDelegate(reader, type);
            foreach (var m in type.GetMethods())
            {
                var method = reader.GetMethodDefinition(m);
                var signature = method.DecodeSignature(provider, null);
                sink.Attributes(reader, provider, method.GetCustomAttributes());
                if (reader.GetString(method.Name) == ".ctor" && isClass && !isRecord && !isGenerated && !type.IsNested)
                    constructors.Add((fromType, signature.ParameterTypes));
                if (method.RelativeVirtualAddress != 0)
                    sink.Body(reader, provider, pe.GetMethodBody(method.RelativeVirtualAddress));
            }
        }
        DefinedNamespaces = defined;
        Constructors = constructors;
    }

    private static TypeDefinition Outermost(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        while (type.IsNested)
            type = reader.GetTypeDefinition(type.GetDeclaringType());
        return type;
    }

    private static bool IsCompilerGenerated(MetadataReader reader, TypeDefinition type) =>
        type.GetCustomAttributes().Any(a => AttributeName(reader, reader.GetCustomAttribute(a)) == "CompilerGeneratedAttribute");

    private static bool IsValueTypeOrDelegate(MetadataReader reader, TypeDefinition type) =>
        type.BaseType.Kind == HandleKind.TypeReference
        && reader.GetString(reader.GetTypeReference((TypeReferenceHandle)type.BaseType).Name) is "ValueType" or "Enum" or "MulticastDelegate";

    private static string? AttributeName(MetadataReader reader, CustomAttribute attribute)
    {
        var parent = attribute.Constructor.Kind == HandleKind.MemberReference
            ? reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent
            : reader.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType();
        return parent.Kind switch
        {
            HandleKind.TypeReference => reader.GetString(reader.GetTypeReference((TypeReferenceHandle)parent).Name),
            HandleKind.TypeDefinition => reader.GetString(reader.GetTypeDefinition((TypeDefinitionHandle)parent).Name),
            _ => null,
        };
    }

    /// <summary>Records the references of one defined type.</summary>
    private sealed class Sink(TypeReferences owner, string from, string fromType)
    {
        public void Add(string ns, string typeName)
        {
            if (ns.Length > 0 && ns != from)
                owner._edges.TryAdd((from, ns), (fromType, typeName));
        }

        public void Attributes(MetadataReader reader, NameProvider provider, CustomAttributeHandleCollection attributes)
        {
            foreach (var a in attributes)
                Entity(reader, provider, reader.GetCustomAttribute(a).Constructor);
        }

        public void Entity(MetadataReader reader, NameProvider provider, EntityHandle handle)
        {
            if (handle.IsNil)
                return;
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    provider.GetTypeFromDefinition(reader, (TypeDefinitionHandle)handle, 0);
                    break;
                case HandleKind.TypeReference:
                    provider.GetTypeFromReference(reader, (TypeReferenceHandle)handle, 0);
                    break;
                case HandleKind.TypeSpecification:
                    reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(provider, null);
                    break;
                case HandleKind.MethodDefinition:
                    Entity(reader, provider, reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.FieldDefinition:
                    Entity(reader, provider, reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.MemberReference:
                    var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                    Entity(reader, provider, member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                        member.DecodeMethodSignature(provider, null);
                    else
                        member.DecodeFieldSignature(provider, null);
                    break;
                case HandleKind.MethodSpecification:
                    var specification = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Entity(reader, provider, specification.Method);
                    specification.DecodeSignature(provider, null);
                    break;
            }
        }

        public void Body(MetadataReader reader, NameProvider provider, MethodBodyBlock body)
        {
            if (!body.LocalSignature.IsNil)
                reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null);
            var il = body.GetILReader();
            while (il.RemainingBytes > 0)
            {
                int code = il.ReadByte();
                if (code == 0xFE)
                    code = 0xFE00 | il.ReadByte();
                switch (OperandTypes[code])
                {
                    case OperandType.InlineNone:
                        break;
                    case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                        il.Offset += 1;
                        break;
                    case OperandType.InlineVar:
                        il.Offset += 2;
                        break;
                    case OperandType.InlineI8 or OperandType.InlineR:
                        il.Offset += 8;
                        break;
                    case OperandType.InlineSwitch:
                        var targets = il.ReadInt32();
                        il.Offset += 4 * targets;
                        break;
                    case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                        Entity(reader, provider, MetadataTokens.EntityHandle(il.ReadInt32()));
                        break;
                    default:
                        il.Offset += 4; // InlineI, InlineBrTarget, InlineString, InlineSig, ShortInlineR
                        break;
                }
            }
        }
    }

    /// <summary>Names types in signatures (namespace-qualified) and reports every named type to the sink.</summary>
    private sealed class NameProvider(Sink sink) : ISignatureTypeProvider<string, object?>
    {
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            var outer = Outermost(reader, handle);
            var ns = reader.GetString(outer.Namespace);
            var name = ns + "." + reader.GetString(reader.GetTypeDefinition(handle).Name);
            sink.Add(ns, name);
            return name;
        }

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            var reference = reader.GetTypeReference(handle);
            var outer = reference;
            while (outer.ResolutionScope.Kind == HandleKind.TypeReference)
                outer = reader.GetTypeReference((TypeReferenceHandle)outer.ResolutionScope);
            var ns = reader.GetString(outer.Namespace);
            var name = ns + "." + reader.GetString(reference.Name);
            sink.Add(ns, name);
            return name;
        }

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => $"{genericType}<{string.Join(",", typeArguments)}>";
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[,]";
        public string GetByReferenceType(string elementType) => elementType + "&";
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetPinnedType(string elementType) => elementType;
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
        public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;
        public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;
        public string GetFunctionPointerType(MethodSignature<string> signature) => "method*";
    }
}
