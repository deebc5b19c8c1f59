namespace ObjectStore.IntegrationTests.Infrastructure;

/// <summary>
/// Configuration of the external clients for one test class: temporary AWS config and credentials
/// files (multipart above 8 MB in 8 MB parts, so uploads larger than that go through multipart
/// upload; path-style addressing), never the user's own.
/// </summary>
public sealed class ClientEnvironment
{
    public ClientEnvironment(LocalHostFixture host, string directory)
    {
        Host = host;
        Directory.CreateDirectory(directory);
        ConfigFile = Path.Combine(directory, "aws-config");
        CredentialsFile = Path.Combine(directory, "aws-credentials");
        File.WriteAllText(ConfigFile, """
            [default]
            region = us-east-1
            s3 =
              multipart_threshold = 8MB
              multipart_chunksize = 8MB
              addressing_style = path

            """);
        PresignConfigFile = Path.Combine(directory, "aws-config-presign-v4");
        File.WriteAllText(PresignConfigFile, File.ReadAllText(ConfigFile).TrimEnd() + "\n  signature_version = s3v4\n");
        File.WriteAllText(CredentialsFile, $"""
            [default]
            aws_access_key_id = {LocalHostFixture.AccessKey}
            aws_secret_access_key = {LocalHostFixture.SecretKey}

            """);
    }

    public LocalHostFixture Host { get; }
    public string ConfigFile { get; }
    public string CredentialsFile { get; }

    /// <summary>The same profile with s3.signature_version = s3v4 (CLI v1 and boto3 presign with SigV2 otherwise).</summary>
    public string PresignConfigFile { get; }
    public string EndpointUrl => Host.Endpoint.ToString().TrimEnd('/');

    /// <summary>Environment for aws (v1 or v2) and boto3: only the temporary files, no ambient profile or proxy.</summary>
    public Dictionary<string, string?> Aws(bool presignWithSigV4 = false) => new()
    {
        ["AWS_CONFIG_FILE"] = presignWithSigV4 ? PresignConfigFile : ConfigFile,
        ["AWS_SHARED_CREDENTIALS_FILE"] = CredentialsFile,
        ["AWS_ACCESS_KEY_ID"] = LocalHostFixture.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = LocalHostFixture.SecretKey,
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_PROFILE"] = null,
        ["AWS_SESSION_TOKEN"] = null,
        ["AWS_ENDPOINT_URL"] = null,
        ["AWS_ENDPOINT_URL_S3"] = null,
        ["AWS_REQUEST_CHECKSUM_CALCULATION"] = null,
        ["AWS_RESPONSE_CHECKSUM_VALIDATION"] = null,
        ["AWS_PAGER"] = "",
        ["AWS_CLI_AUTO_PROMPT"] = "off",
        ["PYTHONIOENCODING"] = "utf-8",
        ["LC_ALL"] = "C.UTF-8",
        ["HTTP_PROXY"] = null, ["HTTPS_PROXY"] = null, ["http_proxy"] = null, ["https_proxy"] = null,
        ["NO_PROXY"] = "*",
    };
}
