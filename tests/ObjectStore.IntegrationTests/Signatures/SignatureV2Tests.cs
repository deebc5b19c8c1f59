using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Signatures;

/// <summary>
/// Signature Version 2 with the clients that still send it: boto3's default presigned URLs (region
/// us-east-1, no signature version), botocore's V2 signer on raw requests, s3cmd (--signature-v2 and
/// signurl) and a V2 browser form; and the setting that turns V2 off.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class SignatureV2Tests(LocalHostFixture host) : IDisposable
{
    private readonly ClientTestData _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Boto3_default_presigned_urls_are_V2_and_get_and_put_objects()
    {
        var (outcome, _) = await Boto3Script.RunAsync(host, _data, """
            import requests
            s3.create_bucket(Bucket=bucket)
            s3.put_object(Bucket=bucket, Key="dir/a key+plus.txt", Body=b"presigned v2 body")
            plain = boto3.client("s3", endpoint_url=args["endpoint"], region_name="us-east-1",
                                 aws_access_key_id=args["key"], aws_secret_access_key=args["secret"])
            get_url = plain.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "dir/a key+plus.txt"}, ExpiresIn=300)
            out["getUrl"] = get_url
            r = requests.get(get_url)
            out["get"] = [r.status_code, r.text]
            disposition = plain.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "dir/a key+plus.txt",
                "ResponseContentDisposition": 'attachment; filename="x y.txt"'}, ExpiresIn=300)
            r = requests.get(disposition)
            out["disposition"] = [r.status_code, r.headers.get("Content-Disposition")]
            put_url = plain.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "uploaded.txt", "ContentType": "text/plain"}, ExpiresIn=300)
            r = requests.put(put_url, data=b"uploaded with v2", headers={"Content-Type": "text/plain"})
            out["put"] = [r.status_code, r.text]
            head = s3.head_object(Bucket=bucket, Key="uploaded.txt")
            out["putType"] = head["ContentType"]
            r = requests.get(get_url.replace("Signature=", "Signature=A"))
            out["tampered"] = [r.status_code, r.text]
            expired = plain.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "dir/a key+plus.txt"}, ExpiresIn=-60)
            r = requests.get(expired)
            out["expired"] = [r.status_code, r.text]
            """, new Dictionary<string, object?> { ["bucket"] = ClientTestData.BucketName("sigv2-presign") });

        Assert.Contains("AWSAccessKeyId=", outcome.GetProperty("getUrl").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("X-Amz-Signature", outcome.GetProperty("getUrl").GetString(), StringComparison.Ordinal);
        AssertStatus(outcome, "get", 200);
        Assert.Equal("presigned v2 body", outcome.GetProperty("get")[1].GetString());
        AssertStatus(outcome, "disposition", 200);
        Assert.Equal("attachment; filename=\"x y.txt\"", outcome.GetProperty("disposition")[1].GetString());
        AssertStatus(outcome, "put", 200);
        Assert.Equal("text/plain", outcome.GetProperty("putType").GetString());
        AssertError(outcome, "tampered", 403, "SignatureDoesNotMatch");
        var expired = AssertError(outcome, "expired", 403, "AccessDenied");
        Assert.Equal("Request has expired", expired.Element("Message")?.Value);
    }

    [Fact]
    public async Task Botocore_V2_signed_requests_put_with_metadata_get_and_reach_sub_resources()
    {
        var (outcome, _) = await Boto3Script.RunAsync(host, _data, """
            import requests
            from botocore.auth import HmacV1Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials

            def v2(method, path, data=None, headers=None, secret=None):
                request = AWSRequest(method=method, url=args["endpoint"] + path, data=data, headers=headers or {})
                HmacV1Auth(Credentials(args["key"], secret or args["secret"])).add_auth(request)
                response = requests.request(method, request.url, data=data, headers=dict(request.headers))
                return [response.status_code, response.text, dict(response.headers)]

            out["create"] = v2("PUT", "/" + bucket)
            out["put"] = v2("PUT", "/" + bucket + "/dir/obj%20one.txt", data=b"v2 payload",
                            headers={"Content-Type": "text/x-v2", "x-amz-meta-colour": "blue", "x-amz-meta-Owner": "Ada  Lovelace"})
            out["get"] = v2("GET", "/" + bucket + "/dir/obj%20one.txt")
            tagging = b'<Tagging><TagSet><Tag><Key>team</Key><Value>ml</Value></Tag></TagSet></Tagging>'
            out["putTagging"] = v2("PUT", "/" + bucket + "/dir/obj%20one.txt?tagging", data=tagging, headers={"Content-Type": "application/xml"})
            out["getTagging"] = v2("GET", "/" + bucket + "/dir/obj%20one.txt?tagging")
            out["versioning"] = v2("GET", "/" + bucket + "?versioning")
            out["list"] = v2("GET", "/" + bucket + "?prefix=dir/&max-keys=10")
            out["wrongSecret"] = v2("GET", "/" + bucket + "/dir/obj%20one.txt", secret="not-the-secret")
            out["unknownKey"] = requests.get(args["endpoint"] + "/" + bucket, headers={"Date": __import__("email.utils").utils.formatdate(usegmt=True),
                                                                                      "Authorization": "AWS NOSUCHKEY:AAAAAAAAAAAAAAAAAAAAAAAAAAA="}).status_code
            out["noDate"] = requests.get(args["endpoint"] + "/" + bucket, headers={"Authorization": "AWS " + args["key"] + ":AAAAAAAAAAAAAAAAAAAAAAAAAAA="}).text
            head = s3.head_object(Bucket=bucket, Key="dir/obj one.txt")
            out["meta"] = head["Metadata"]
            out["type"] = head["ContentType"]
            """, new Dictionary<string, object?> { ["bucket"] = ClientTestData.BucketName("sigv2-raw") });

        AssertStatus(outcome, "create", 200);
        AssertStatus(outcome, "put", 200);
        AssertStatus(outcome, "get", 200);
        Assert.Equal("v2 payload", outcome.GetProperty("get")[1].GetString());
        AssertStatus(outcome, "putTagging", 200);
        AssertStatus(outcome, "getTagging", 200);
        Assert.Contains("<Key>team</Key>", outcome.GetProperty("getTagging")[1].GetString(), StringComparison.Ordinal);
        AssertStatus(outcome, "versioning", 200);
        AssertStatus(outcome, "list", 200);
        Assert.Contains("<Key>dir/obj one.txt</Key>", outcome.GetProperty("list")[1].GetString(), StringComparison.Ordinal);
        var mismatch = AssertError(outcome, "wrongSecret", 403, "SignatureDoesNotMatch");
        Assert.StartsWith("GET\n\n\n", mismatch.Element("StringToSign")?.Value, StringComparison.Ordinal);
        Assert.Equal(403, outcome.GetProperty("unknownKey").GetInt32());
        Assert.Equal("AccessDenied", XElement.Parse(outcome.GetProperty("noDate").GetString()!).Element("Code")?.Value);
        Assert.Equal("blue", outcome.GetProperty("meta").GetProperty("colour").GetString());
        Assert.Equal("Ada  Lovelace", outcome.GetProperty("meta").GetProperty("owner").GetString());
        Assert.Equal("text/x-v2", outcome.GetProperty("type").GetString());
    }

    [Fact]
    public async Task V2_browser_form_upload_is_stored_and_a_wrong_signature_is_refused()
    {
        var (outcome, _) = await Boto3Script.RunAsync(host, _data, """
            import base64, hashlib, hmac, datetime, requests
            s3.create_bucket(Bucket=bucket)
            expiration = (datetime.datetime.utcnow() + datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
            policy = base64.b64encode(json.dumps({"expiration": expiration, "conditions": [
                {"bucket": bucket}, ["starts-with", "$key", "forms/"]]}).encode()).decode()
            signature = base64.b64encode(hmac.new(args["secret"].encode(), policy.encode(), hashlib.sha1).digest()).decode()
            def post(sig):
                fields = {"key": "forms/form.txt", "AWSAccessKeyId": args["key"], "policy": policy, "signature": sig}
                r = requests.post(args["endpoint"] + "/" + bucket, data=fields, files={"file": ("form.txt", b"posted with v2")})
                return [r.status_code, r.text]
            out["ok"] = post(signature)
            out["bad"] = post(base64.b64encode(b"x" * 20).decode())
            try:
                out["body"] = s3.get_object(Bucket=bucket, Key="forms/form.txt")["Body"].read().decode()
            except ClientError as e:
                out["body"] = str(e)
            """, new Dictionary<string, object?> { ["bucket"] = ClientTestData.BucketName("sigv2-form") });

        Assert.True(outcome.GetProperty("ok")[0].GetInt32() is >= 200 and <= 204, outcome.GetProperty("ok").ToString());
        AssertError(outcome, "bad", 403, "SignatureDoesNotMatch");
        Assert.Equal("posted with v2", outcome.GetProperty("body").GetString());
    }

    [Fact]
    public async Task S3cmd_with_signature_v2_puts_lists_and_gets_and_its_signurl_downloads()
    {
        var s3cmd = ExternalProcess.Require("s3cmd", "s3cmd tests need Debian's s3cmd (apt-get install s3cmd).");
        var bucket = ClientTestData.BucketName("sigv2-s3cmd");
        var config = Path.Combine(_data.NewDirectory("s3cmd"), "s3cfg");
        await File.WriteAllTextAsync(config, $"""
            [default]
            access_key = {LocalHostFixture.AccessKey}
            secret_key = {LocalHostFixture.SecretKey}
            host_base = 127.0.0.1:{host.Port}
            host_bucket = 127.0.0.1:{host.Port}
            use_https = False
            signature_v2 = True
            check_ssl_certificate = False

            """);
        var source = _data.Payload("s3cmd.bin", 4096);
        var download = _data.NewFilePath("s3cmd-get");
        string[] Args(params string[] rest) => ["-c", config, .. rest];
        await ExternalProcess.RunCheckedAsync(s3cmd, Args("mb", $"s3://{bucket}"));
        await ExternalProcess.RunCheckedAsync(s3cmd, Args("put", source, $"s3://{bucket}/dir/file.bin"));
        var list = await ExternalProcess.RunCheckedAsync(s3cmd, Args("ls", $"s3://{bucket}/dir/"));
        await ExternalProcess.RunCheckedAsync(s3cmd, Args("get", $"s3://{bucket}/dir/file.bin", download));
        var signed = await ExternalProcess.RunCheckedAsync(s3cmd, Args("signurl", $"s3://{bucket}/dir/file.bin", "+300"));

        Assert.Contains($"s3://{bucket}/dir/file.bin", list.StdOut, StringComparison.Ordinal);
        Assert.Equal(await File.ReadAllBytesAsync(source), await File.ReadAllBytesAsync(download));
        var url = signed.StdOut.Trim().Split('\n')[^1].Trim();
        Assert.Contains("AWSAccessKeyId=", url, StringComparison.Ordinal);
        using var http = new HttpClient();
        using var response = await http.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(await File.ReadAllBytesAsync(source), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task With_signature_v2_off_V2_urls_are_refused_and_SigV4_still_works()
    {
        await using var off = await host.StartHostAsync(new LocalHostOptions
        {
            Background = false, Settings = new Dictionary<string, string?> { ["OBJECTSTORE_SIGV2"] = "off" },
        });
        using var s3 = off.CreateS3Client();
        var bucket = ClientTestData.BucketName("sigv2-off");
        await s3.PutBucketAsync(bucket);
        await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "v4 works" });
        var v2Url = $"{off.Endpoint.ToString().TrimEnd('/')}/{bucket}/k?AWSAccessKeyId={LocalHostFixture.AccessKey}&Expires={DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds()}&Signature=AAAAAAAAAAAAAAAAAAAAAAAAAAA%3D";

        using var http = new HttpClient();
        using var response = await http.GetAsync(v2Url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidRequest", XElement.Parse(await response.Content.ReadAsStringAsync()).Element("Code")?.Value);
        using var get = await s3.GetObjectAsync(bucket, "k");
        Assert.Equal("v4 works", await new StreamReader(get.ResponseStream).ReadToEndAsync());
    }

    private static void AssertStatus(JsonElement outcome, string name, int status) =>
        Assert.True(outcome.GetProperty(name)[0].GetInt32() == status, $"{name}: {outcome.GetProperty(name)}");

    private static XElement AssertError(JsonElement outcome, string name, int status, string code)
    {
        AssertStatus(outcome, name, status);
        var error = XElement.Parse(outcome.GetProperty(name)[1].GetString()!);
        Assert.Equal(code, error.Element("Code")?.Value);
        return error;
    }
}
