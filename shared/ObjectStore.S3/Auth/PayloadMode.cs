namespace ObjectStore.S3.Auth;

/// <summary>How the body is protected, from the x-amz-content-sha256 header.</summary>
internal enum PayloadMode
{
    /// <summary>A hex SHA-256 of the whole body, verified while streaming.</summary>
    Sha256,
    /// <summary>UNSIGNED-PAYLOAD: the body is not covered by the signature.</summary>
    Unsigned,
    /// <summary>STREAMING-AWS4-HMAC-SHA256-PAYLOAD: aws-chunked, every chunk signed.</summary>
    StreamingSigned,
    /// <summary>STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: signed chunks and a signed trailer.</summary>
    StreamingSignedTrailer,
    /// <summary>STREAMING-UNSIGNED-PAYLOAD-TRAILER: aws-chunked without signatures, with a trailer.</summary>
    StreamingUnsignedTrailer,
}

internal static class PayloadModes
{
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string StreamingSigned = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    public const string StreamingSignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    public const string StreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    public const string StreamingEcdsaPrefix = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD";

    public static bool IsStreaming(this PayloadMode mode) =>
        mode is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer or PayloadMode.StreamingUnsignedTrailer;

    /// <summary>Classifies an x-amz-content-sha256 value; for <see cref="PayloadMode.Sha256"/> also returns the 32 hash bytes.</summary>
    public static bool TryParse(string value, out PayloadMode mode, out byte[]? sha256)
    {
        sha256 = null;
        switch (value)
        {
            case UnsignedPayload:
                mode = PayloadMode.Unsigned;
                return true;
            case StreamingSigned:
                mode = PayloadMode.StreamingSigned;
                return true;
            case StreamingSignedTrailer:
                mode = PayloadMode.StreamingSignedTrailer;
                return true;
            case StreamingUnsignedTrailer:
                mode = PayloadMode.StreamingUnsignedTrailer;
                return true;
        }

        mode = PayloadMode.Sha256;
        byte[] hash = new byte[32];
        if (SigV4Crypto.TryParseSignature(value.AsSpan(), hash))
        {
            sha256 = hash;
            return true;
        }

        return false;
    }
}
