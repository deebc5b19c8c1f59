"""Client of scripts/measure-post-memory.sh: a browser-style form upload (boto3 generate_presigned_post,
the multipart/form-data body generated on the fly and sent chunked, never held whole), its streaming
read-back with SHA-256 compared, and a form over its content-length-range refused. One JSON line out."""
import hashlib, json, os, random, sys, time

import boto3, requests
from botocore.config import Config

endpoint, total = sys.argv[1], int(sys.argv[2])
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                  aws_access_key_id=os.environ["OBJECTSTORE_ACCESS_KEY"], aws_secret_access_key=os.environ["OBJECTSTORE_SECRET_KEY"],
                  config=Config(s3={"addressing_style": "path"}, signature_version="s3v4", retries={"max_attempts": 1}, read_timeout=600))
bucket = "post-memory"
s3.create_bucket(Bucket=bucket)
boundary = "----objectstore-post-memory"
chunk = 1 << 20


def form_body(fields, size, digest):
    head = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items())
    yield (head + f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
           'Content-Type: application/octet-stream\r\n\r\n').encode()
    rng, sent = random.Random(7), 0
    while sent < size:
        block = rng.randbytes(min(chunk, size - sent))
        digest.update(block)
        sent += len(block)
        yield block
    yield f"\r\n--{boundary}--\r\n".encode()


def post(post_form, size):
    digest = hashlib.sha256()
    started = time.monotonic()
    response = requests.post(post_form["url"], data=form_body(post_form["fields"], size, digest),
                             headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}, timeout=600)
    return response, time.monotonic() - started, digest.hexdigest()


form = s3.generate_presigned_post(bucket, "uploads/${filename}", Conditions=[["content-length-range", 1, total]], ExpiresIn=3600)
response, upload_seconds, sent_hash = post(form, total)
started = time.monotonic()
body, read_hash, read = s3.get_object(Bucket=bucket, Key="uploads/big.bin")["Body"], hashlib.sha256(), 0
for block in body.iter_chunks(chunk):
    read_hash.update(block)
    read += len(block)
download_seconds = time.monotonic() - started

limited = s3.generate_presigned_post(bucket, "refused/${filename}", Conditions=[["content-length-range", 1, 1 << 20]], ExpiresIn=3600)
refused, refused_seconds, _ = post(limited, min(total, 256 << 20))
stored = s3.list_objects_v2(Bucket=bucket, Prefix="refused/").get("KeyCount", 0)

print(json.dumps({
    "bytes": total, "status": response.status_code, "uploadSeconds": round(upload_seconds, 2),
    "uploadMBps": round(total / upload_seconds / 1e6, 1), "downloadSeconds": round(download_seconds, 2),
    "identical": read == total and read_hash.hexdigest() == sent_hash,
    "refusedStatus": refused.status_code, "refusedCode": "EntityTooLarge" if "<Code>EntityTooLarge</Code>" in refused.text else refused.text[:200],
    "refusedSeconds": round(refused_seconds, 2), "refusedStored": stored,
}))
