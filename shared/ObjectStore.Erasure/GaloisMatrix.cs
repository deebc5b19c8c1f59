using ObjectStore.Erasure.Kernels;

namespace ObjectStore.Erasure;

/// <summary>Small dense matrices over GF(2^8), row-major. Only used to build coding matrices, never per byte.</summary>
internal static class GaloisMatrix
{
    /// <summary>
    /// The systematic Cauchy generator ISA-L's <c>gf_gen_cauchy1_matrix</c> builds: identity on top,
    /// then row i (k &lt;= i &lt; k+m), column j holds 1 / (i XOR j). Every k x k submatrix is invertible
    /// (a Cauchy matrix extended by identity rows), which is what makes any k shards enough.
    /// </summary>
    public static byte[] CauchyGenerator(int dataShards, int parityShards)
    {
        int total = dataShards + parityShards;
        var matrix = new byte[total * dataShards];
        for (int i = 0; i < dataShards; i++)
            matrix[i * dataShards + i] = 1;
        for (int i = dataShards; i < total; i++)
            for (int j = 0; j < dataShards; j++)
                matrix[i * dataShards + j] = GaloisField.Inverse((byte)(i ^ j));
        return matrix;
    }

    /// <summary>Inverts an n x n matrix by Gauss-Jordan elimination. Throws if it is singular.</summary>
    public static byte[] Invert(ReadOnlySpan<byte> source, int n)
    {
        var work = source.ToArray();
        var inverse = new byte[n * n];
        for (int i = 0; i < n; i++)
            inverse[i * n + i] = 1;

        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            while (pivot < n && work[pivot * n + col] == 0)
                pivot++;
            if (pivot == n)
                throw new InvalidOperationException("Coding matrix is singular.");
            if (pivot != col)
            {
                SwapRows(work, n, pivot, col);
                SwapRows(inverse, n, pivot, col);
            }

            byte scale = GaloisField.Inverse(work[col * n + col]);
            for (int j = 0; j < n; j++)
            {
                work[col * n + j] = GaloisField.Mul(work[col * n + j], scale);
                inverse[col * n + j] = GaloisField.Mul(inverse[col * n + j], scale);
            }

            for (int row = 0; row < n; row++)
            {
                byte factor = work[row * n + col];
                if (row == col || factor == 0)
                    continue;
                for (int j = 0; j < n; j++)
                {
                    work[row * n + j] ^= GaloisField.Mul(factor, work[col * n + j]);
                    inverse[row * n + j] ^= GaloisField.Mul(factor, inverse[col * n + j]);
                }
            }
        }
        return inverse;
    }

    /// <summary>(rows x inner) * (inner x cols).</summary>
    public static byte[] Multiply(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, int rows, int inner, int cols)
    {
        var result = new byte[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                byte sum = 0;
                for (int i = 0; i < inner; i++)
                    sum ^= GaloisField.Mul(left[r * inner + i], right[i * cols + c]);
                result[r * cols + c] = sum;
            }
        return result;
    }

    private static void SwapRows(byte[] matrix, int n, int a, int b)
    {
        for (int j = 0; j < n; j++)
            (matrix[a * n + j], matrix[b * n + j]) = (matrix[b * n + j], matrix[a * n + j]);
    }
}
