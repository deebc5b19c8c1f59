// AWS Signature Version 4 for the admin API, with WebCrypto: the same signature the S3 API and the admin
// command line use, so the console can do nothing its key could not do with those.
"use strict";

const SigV4 = (() => {
  const encoder = new TextEncoder();

  const hex = bytes => Array.from(new Uint8Array(bytes), b => b.toString(16).padStart(2, "0")).join("");

  const sha256Hex = async data => hex(await crypto.subtle.digest("SHA-256", typeof data === "string" ? encoder.encode(data) : data));

  async function hmac(key, message) {
    const k = await crypto.subtle.importKey("raw", typeof key === "string" ? encoder.encode(key) : key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    return new Uint8Array(await crypto.subtle.sign("HMAC", k, encoder.encode(message)));
  }

  // RFC 3986 unreserved characters stay; everything else is %XX of its UTF-8 bytes.
  const uriEncode = text => encodeURIComponent(text).replace(/[!'()*]/g, c => "%" + c.charCodeAt(0).toString(16).toUpperCase());

  const canonicalPath = path => path.split("/").map(segment => uriEncode(decodeURIComponent(segment))).join("/");

  /** Signs and sends one request; returns the fetch Response. */
  async function fetchSigned(credentials, method, path, query, body) {
    const amzDate = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
    const day = amzDate.slice(0, 8);
    const payload = body ?? "";
    const payloadHash = await sha256Hex(payload);
    const pairs = Object.entries(query ?? {}).map(([k, v]) => [uriEncode(k), uriEncode(String(v))]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1));
    const canonicalQuery = pairs.map(([k, v]) => k + "=" + v).join("&");
    const uri = canonicalPath(path);
    const host = location.host;
    const signedHeaders = "host;x-amz-content-sha256;x-amz-date";
    const canonicalRequest = [method, uri, canonicalQuery, `host:${host}\nx-amz-content-sha256:${payloadHash}\nx-amz-date:${amzDate}\n`, signedHeaders, payloadHash].join("\n");
    const scope = `${day}/${credentials.region}/s3/aws4_request`;
    const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, await sha256Hex(canonicalRequest)].join("\n");
    let key = await hmac("AWS4" + credentials.secretKey, day);
    for (const part of [credentials.region, "s3", "aws4_request"]) key = await hmac(key, part);
    const signature = hex(await hmac(key, stringToSign));
    return fetch(uri + (canonicalQuery ? "?" + canonicalQuery : ""), {
      method,
      body: method === "GET" || method === "HEAD" ? undefined : payload,
      credentials: "omit",
      cache: "no-store",
      headers: {
        "x-amz-date": amzDate,
        "x-amz-content-sha256": payloadHash,
        "Authorization": `AWS4-HMAC-SHA256 Credential=${credentials.accessKey}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
      },
    });
  }

  return { fetchSigned, sha256Hex };
})();
