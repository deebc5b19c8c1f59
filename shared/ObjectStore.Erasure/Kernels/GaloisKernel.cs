namespace ObjectStore.Erasure.Kernels;

/// <summary>The instruction-set path that multiplies shards by field constants. All give identical bytes.</summary>
public enum GaloisKernel
{
    /// <summary>Portable table lookups; runs everywhere.</summary>
    Scalar,

    /// <summary>AVX2 split-nibble shuffles (vpshufb, 32 bytes per step).</summary>
    Avx2,

    /// <summary>AVX-512BW split-nibble shuffles (64 bytes per step).</summary>
    Avx512,

    /// <summary>GFNI affine transforms on 256-bit vectors.</summary>
    Gfni256,

    /// <summary>GFNI affine transforms on 512-bit vectors.</summary>
    Gfni512,
}
