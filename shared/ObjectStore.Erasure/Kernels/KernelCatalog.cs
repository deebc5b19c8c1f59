namespace ObjectStore.Erasure.Kernels;

/// <summary>Which kernels this CPU runs, and the fastest of them.</summary>
internal static class KernelCatalog
{
    /// <summary>Fastest first.</summary>
    private static readonly GaloisKernel[] Preference =
        [GaloisKernel.Gfni512, GaloisKernel.Gfni256, GaloisKernel.Avx512, GaloisKernel.Avx2, GaloisKernel.Scalar];

    public static IReadOnlyList<GaloisKernel> Supported { get; } =
        Enum.GetValues<GaloisKernel>().Where(IsSupported).ToArray();

    public static GaloisKernel Best { get; } = Preference.First(IsSupported);

    public static bool IsSupported(GaloisKernel kernel) => kernel switch
    {
        GaloisKernel.Scalar => true,
        GaloisKernel.Avx2 => Avx2Kernel.IsSupported,
        GaloisKernel.Avx512 => Avx512Kernel.IsSupported,
        GaloisKernel.Gfni256 => Gfni256Kernel.IsSupported,
        GaloisKernel.Gfni512 => Gfni512Kernel.IsSupported,
        _ => false,
    };

    public static MultiplyKernel Get(GaloisKernel kernel)
    {
        if (!IsSupported(kernel))
            throw new PlatformNotSupportedException($"The {kernel} Galois kernel is not supported on this CPU.");
        return kernel switch
        {
            GaloisKernel.Scalar => ScalarKernel.Instance,
            GaloisKernel.Avx2 => Avx2Kernel.Instance,
            GaloisKernel.Avx512 => Avx512Kernel.Instance,
            GaloisKernel.Gfni256 => Gfni256Kernel.Instance,
            GaloisKernel.Gfni512 => Gfni512Kernel.Instance,
            _ => throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "Unknown Galois kernel."),
        };
    }

    /// <summary>A vector kernel with fewer rows per pass than usual, so tests reach the multi-pass slicing path.</summary>
    internal static MultiplyKernel CreateNarrow(GaloisKernel kernel, int maxRowsPerPass)
    {
        Get(kernel);
        return kernel switch
        {
            GaloisKernel.Avx2 => new Avx2Kernel(maxRowsPerPass),
            GaloisKernel.Avx512 => new Avx512Kernel(maxRowsPerPass),
            GaloisKernel.Gfni256 => new Gfni256Kernel(maxRowsPerPass),
            GaloisKernel.Gfni512 => new Gfni512Kernel(maxRowsPerPass),
            _ => throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "Only vector kernels make passes."),
        };
    }
}
