using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using ObjectStore.Objects.Errors;
using ObjectStore.Objects.Integrity;
using ObjectStore.S3.Integrity;

namespace ObjectStore.S3.Tests.Integrity;

public sealed class ChecksumTests
{
    private static readonly byte[] Check = "123456789"u8.ToArray();
    private static readonly Dictionary<string, string> NoTrailers = [];

    private static string B64(string hex) => Convert.ToBase64String(Convert.FromHexString(hex));

    private static async Task<S3Exception> ThrowsS3Async(string code, Func<Task> action)
    {
        var ex = await Assert.ThrowsAsync<S3Exception>(action);
        Assert.Equal(code, ex.Code.Code);
        return ex;
    }

    private static S3Exception ThrowsS3(string code, Action action)
    {
        var ex = Assert.Throws<S3Exception>(action);
        Assert.Equal(code, ex.Code.Code);
        return ex;
    }

    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32, "CBF43926")]
    [InlineData(ChecksumAlgorithm.Crc32C, "E3069283")]
    [InlineData(ChecksumAlgorithm.Crc64Nvme, "AE8B14860A799888")]
    [InlineData(ChecksumAlgorithm.Sha1, "F7C3BC1D808E04732ADF679965CCC34CA7AE3441")]
    [InlineData(ChecksumAlgorithm.Sha256, "15E2B0D3C33891EBB0F1EF609EC419420C20E320CE94C65FBC8C3312448EB225")]
    public void Check_string_123456789_gives_the_catalogued_value_big_endian_in_base64(ChecksumAlgorithm algorithm, string hex)
    {
        Assert.Equal(B64(hex), ChecksumCalculator.Compute(algorithm, Check));
    }

    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32)]
    [InlineData(ChecksumAlgorithm.Crc32C)]
    [InlineData(ChecksumAlgorithm.Crc64Nvme)]
    [InlineData(ChecksumAlgorithm.Sha1)]
    [InlineData(ChecksumAlgorithm.Sha256)]
    public void Appending_in_pieces_gives_the_same_value_as_one_shot(ChecksumAlgorithm algorithm)
    {
        byte[] data = RandomNumberGenerator.GetBytes(100_003);
        using var calculator = new ChecksumCalculator(algorithm);
        for (int i = 0; i < data.Length; i += 777)
        {
            calculator.Append(data.AsSpan(i, Math.Min(777, data.Length - i)));
        }

        Assert.Equal(ChecksumCalculator.Compute(algorithm, data), calculator.GetBase64());
    }

    [Theory]
    [InlineData("x-amz-checksum-crc32", ChecksumAlgorithm.Crc32)]
    [InlineData("x-amz-checksum-crc32c", ChecksumAlgorithm.Crc32C)]
    [InlineData("x-amz-checksum-crc64nvme", ChecksumAlgorithm.Crc64Nvme)]
    [InlineData("x-amz-checksum-sha1", ChecksumAlgorithm.Sha1)]
    [InlineData("x-amz-checksum-sha256", ChecksumAlgorithm.Sha256)]
    public void Checksum_header_gives_a_request_that_verifies_the_matching_body(string header, ChecksumAlgorithm algorithm)
    {
        var headers = new HeaderDictionary
        {
            [header] = ChecksumCalculator.Compute(algorithm, Check),
            ["x-amz-sdk-checksum-algorithm"] = algorithm.Name(),
        };

        var request = ChecksumRequest.FromHeaders(headers)!;
        using var calculator = request.CreateCalculator();
        calculator.Append(Check);

        Assert.Equal(algorithm, request.Algorithm);
        Assert.False(request.FromTrailer);
        Assert.Equal(ChecksumCalculator.Compute(algorithm, Check), request.Verify(calculator, NoTrailers));
    }

    [Fact]
    public void Checksum_mismatch_gives_BadDigest_naming_the_algorithm()
    {
        var request = ChecksumRequest.FromHeaders(new HeaderDictionary { ["x-amz-checksum-crc32c"] = B64("00000000") })!;
        using var calculator = request.CreateCalculator();
        calculator.Append(Check);

        var ex = ThrowsS3("BadDigest", () => request.Verify(calculator, NoTrailers));
        Assert.Equal("The CRC32C you specified did not match the calculated checksum.", ex.Message);
    }

    [Fact]
    public void Trailer_declaration_takes_the_expected_value_from_the_trailers()
    {
        var request = ChecksumRequest.FromHeaders(new HeaderDictionary
        {
            ["x-amz-trailer"] = "x-amz-checksum-crc64nvme",
            ["x-amz-sdk-checksum-algorithm"] = "CRC64NVME",
        })!;
        using var calculator = request.CreateCalculator();
        calculator.Append(Check);

        Assert.True(request.FromTrailer);
        Assert.Equal(B64("AE8B14860A799888"), request.Verify(calculator, new Dictionary<string, string> { ["x-amz-checksum-crc64nvme"] = B64("AE8B14860A799888") }));
        ThrowsS3("BadDigest", () => request.Verify(calculator, new Dictionary<string, string> { ["x-amz-checksum-crc64nvme"] = B64("AE8B14860A799889") }));
        ThrowsS3("MalformedTrailerError", () => request.Verify(calculator, NoTrailers));
    }

    [Fact]
    public void Algorithm_alone_means_compute_and_store_without_verifying()
    {
        var request = ChecksumRequest.FromHeaders(new HeaderDictionary { ["x-amz-sdk-checksum-algorithm"] = "sha256" })!;
        using var calculator = request.CreateCalculator();
        calculator.Append(Check);

        Assert.Null(request.ExpectedBase64);
        Assert.Equal(B64("15E2B0D3C33891EBB0F1EF609EC419420C20E320CE94C65FBC8C3312448EB225"), request.Verify(calculator, NoTrailers));
    }

    [Fact]
    public void No_checksum_headers_means_no_checksum_request()
    {
        Assert.Null(ChecksumRequest.FromHeaders(new HeaderDictionary { ["x-amz-checksum-mode"] = "ENABLED", ["Content-Type"] = "text/plain" }));
    }

    [Theory]
    [InlineData("x-amz-checksum-md4", "AAAAAA==")]
    [InlineData("x-amz-sdk-checksum-algorithm", "MD5")]
    [InlineData("x-amz-trailer", "x-amz-checksum-xxhash")]
    [InlineData("x-amz-checksum-crc32", "not base64!")]
    [InlineData("x-amz-checksum-crc32", "AAAAAAAA")]
    public void Unknown_algorithm_or_malformed_value_gives_InvalidRequest(string header, string value)
    {
        ThrowsS3("InvalidRequest", () => ChecksumRequest.FromHeaders(new HeaderDictionary { [header] = value }));
    }

    [Fact]
    public void Two_checksum_headers_give_InvalidRequest()
    {
        ThrowsS3("InvalidRequest", () => ChecksumRequest.FromHeaders(new HeaderDictionary
        {
            ["x-amz-checksum-crc32"] = "AAAAAA==", ["x-amz-checksum-sha1"] = B64(new string('0', 40)),
        }));
    }

    [Fact]
    public void Sdk_algorithm_disagreeing_with_the_checksum_header_gives_InvalidRequest()
    {
        ThrowsS3("InvalidRequest", () => ChecksumRequest.FromHeaders(new HeaderDictionary
        {
            ["x-amz-checksum-crc32"] = "AAAAAA==", ["x-amz-sdk-checksum-algorithm"] = "CRC32C",
        }));
    }

    [Fact]
    public void Content_md5_parses_base64_of_16_bytes_and_refuses_anything_else()
    {
        byte[] md5 = MD5.HashData(Check);

        Assert.Equal(md5, ContentMd5.FromHeaders(new HeaderDictionary { ["Content-MD5"] = Convert.ToBase64String(md5) }));
        Assert.Null(ContentMd5.FromHeaders(new HeaderDictionary()));
        ThrowsS3("InvalidDigest", () => ContentMd5.FromHeaders(new HeaderDictionary { ["Content-MD5"] = "abc" }));
        ThrowsS3("InvalidDigest", () => ContentMd5.FromHeaders(new HeaderDictionary { ["Content-MD5"] = Convert.ToBase64String(new byte[15]) }));
        ThrowsS3("InvalidDigest", () => ContentMd5.FromHeaders(new HeaderDictionary { ["Content-MD5"] = Convert.ToHexString(md5) }));
    }

    [Fact]
    public async Task Checksumming_stream_passes_bytes_through_and_reports_the_checksum_at_the_end()
    {
        byte[] data = RandomNumberGenerator.GetBytes(300_000);
        var checksum = ChecksumRequest.FromHeaders(new HeaderDictionary { ["x-amz-checksum-crc32"] = ChecksumCalculator.Compute(ChecksumAlgorithm.Crc32, data) });
        using var stream = new ChecksummingStream(new MemoryStream(data), checksum, MD5.HashData(data), NoTrailers);

        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);

        Assert.Equal(data, copy.ToArray());
        Assert.True(stream.IsVerified);
        Assert.Equal(ChecksumCalculator.Compute(ChecksumAlgorithm.Crc32, data), stream.ChecksumBase64);
        Assert.Equal(ChecksumAlgorithm.Crc32, stream.Algorithm);
    }

    [Fact]
    public async Task Checksumming_stream_with_a_wrong_content_md5_throws_BadDigest_instead_of_ending()
    {
        byte[] data = Encoding.UTF8.GetBytes("the quick brown fox");
        using var stream = new ChecksummingStream(new MemoryStream(data), checksum: null, MD5.HashData("the quick brown cat"u8), NoTrailers);

        var ex = await ThrowsS3Async("BadDigest", () => stream.CopyToAsync(Stream.Null));
        Assert.Equal(S3Errors.BadDigest.DefaultMessage, ex.Message);
        Assert.False(stream.IsVerified);
    }

    [Fact]
    public async Task Checksumming_stream_with_a_wrong_sha256_header_throws_BadDigest()
    {
        var checksum = ChecksumRequest.FromHeaders(new HeaderDictionary { ["x-amz-checksum-sha256"] = ChecksumCalculator.Compute(ChecksumAlgorithm.Sha256, "other"u8) });
        using var stream = new ChecksummingStream(new MemoryStream(Check), checksum, expectedMd5: null, NoTrailers);

        var ex = await ThrowsS3Async("BadDigest", () => stream.CopyToAsync(Stream.Null));
        Assert.Equal("The SHA256 you specified did not match the calculated checksum.", ex.Message);
    }
}
