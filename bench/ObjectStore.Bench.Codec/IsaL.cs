using System.Runtime.InteropServices;

namespace ObjectStore.Bench.Codec;

/// <summary>
/// Intel ISA-L 2.30 erasure-code entry points (Debian package libisal2), the reference we measure
/// against. Only the benchmark touches it; the codec itself has no native dependency.
/// </summary>
internal static unsafe partial class IsaL
{
    private const string Library = "libisal.so.2";

    /// <summary>Expands a rows x k coefficient matrix into ISA-L's 32-byte-per-coefficient lookup tables.</summary>
    [LibraryImport(Library, EntryPoint = "ec_init_tables")]
    public static partial void InitTables(int k, int rows, byte* coefficients, byte* tables);

    /// <summary>coding[r] = sum over c of a[r, c] * data[c], with the CPU-dispatched kernel.</summary>
    [LibraryImport(Library, EntryPoint = "ec_encode_data")]
    public static partial void EncodeData(int length, int k, int rows, byte* tables, byte** data, byte** coding);

    /// <summary>Identity on top of the Cauchy rows 1 / (i XOR j): the generator our codec uses too.</summary>
    [LibraryImport(Library, EntryPoint = "gf_gen_cauchy1_matrix")]
    public static partial void GenerateCauchyMatrix(byte* matrix, int totalRows, int k);

    [LibraryImport(Library, EntryPoint = "gf_invert_matrix")]
    public static partial int InvertMatrix(byte* input, byte* output, int n);

    [LibraryImport(Library, EntryPoint = "gf_mul")]
    public static partial byte Multiply(byte a, byte b);
}
