using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3.Browser;

/// <summary>
/// A POST upload's multipart/form-data body read up to its <c>file</c> field: the fields before it
/// (small, capped in total), the file's name and content type, and its bytes as a stream that reads
/// straight from the request body. Fields after the file are never read, as S3 ignores them.
/// </summary>
internal sealed class PostForm
{
    /// <summary>S3's cap on the fields that precede the file.</summary>
    public const int MaxFieldBytes = 20 * 1024;

    private PostForm(Dictionary<string, string> fields, string? fileName, string? fileContentType, Stream? file)
    {
        Fields = fields;
        FileName = fileName;
        FileContentType = fileContentType;
        File = file;
    }

    /// <summary>The fields before the file, by lower-case name (a repeated field keeps its first value).</summary>
    public IReadOnlyDictionary<string, string> Fields { get; }

    /// <summary>The file part's filename (what <c>${filename}</c> in the key stands for); may be empty.</summary>
    public string? FileName { get; }

    public string? FileContentType { get; }

    /// <summary>The file's bytes, read from the request as they come; null when the form has no file field.</summary>
    public Stream? File { get; }

    public string? Field(string name) => Fields.TryGetValue(name, out var value) ? value : null;

    /// <summary>The boundary of a multipart/form-data Content-Type; false for any other type.</summary>
    public static bool TryGetBoundary(string? contentType, out string boundary)
    {
        boundary = "";
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media)
            || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return false;
        boundary = HeaderUtilities.RemoveQuotes(media.Boundary).ToString();
        return boundary.Length is > 0 and <= 70;
    }

    /// <summary>Reads the fields up to the file; MalformedPOSTRequest for a body that is not multipart/form-data.</summary>
    public static async Task<PostForm> ReadAsync(Stream body, string boundary, CancellationToken cancellationToken)
    {
        var reader = new MultipartReader(boundary, body) { HeadersCountLimit = 16, HeadersLengthLimit = 8 * 1024 };
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var total = 0;
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    throw Malformed();
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).ToString().ToLowerInvariant();
                if (name == "file")
                {
                    var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.ToString() : HeaderUtilities.RemoveQuotes(disposition.FileName).ToString();
                    return new PostForm(fields, fileName, section.ContentType, new PostFileStream(section.Body));
                }
                var value = await ReadValueAsync(section.Body, MaxFieldBytes - total, cancellationToken);
                total += Encoding.UTF8.GetByteCount(value) + name.Length;
                fields.TryAdd(name, value);
            }
        }
        catch (Exception e) when (PostFileStream.IsMalformedBody(e))
        {
            throw Malformed();
        }
        return new PostForm(fields, null, null, null);
    }

    /// <summary>A field's value as UTF-8 text, at most <paramref name="budget"/> bytes.</summary>
    private static async Task<string> ReadValueAsync(Stream section, int budget, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Max(budget, 0) + 1];
        var filled = 0;
        int read;
        while ((read = await section.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
        {
            filled += read;
            if (filled > budget)
                throw new S3Exception(S3Errors.MaxPostPreDataLengthExceeded);
        }
        return Encoding.UTF8.GetString(buffer, 0, filled);
    }

    public static S3Exception Malformed() => new(S3Errors.MalformedPOSTRequest);
}
