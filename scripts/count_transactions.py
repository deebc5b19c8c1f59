"""Counts the storage transactions (REST requests Azurite received: Table, Blob, Queue) that each S3
operation costs, through the local host with blob zones (the Azure deployment's layout). Driven by
scripts/count-transactions.sh, which starts Azurite with --debug LOG: each request it receives is one
"<Service>StorageContextMiddleware: RequestMethod=" line there."""
import re, sys, time
import boto3
from botocore.config import Config

endpoint, log_path = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="bench",
                  aws_secret_access_key="bench-secret",
                  config=Config(s3={"addressing_style": "path"}, request_checksum_calculation="when_required",
                                response_checksum_validation="when_required", retries={"max_attempts": 1}))
pattern = re.compile(r"(Table|Blob|Queue)StorageContextMiddleware: RequestMethod=(\w+) RequestURL=(\S+)")
position = 0

def drain():
    """Requests logged since the last call, after the log has been quiet for a moment."""
    global position
    last_size = -1
    while True:
        time.sleep(0.4)
        with open(log_path, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
        if size == last_size:
            break
        last_size = size
    with open(log_path, "rb") as f:
        f.seek(position)
        text = f.read().decode("utf-8", "replace")
        position = f.tell()
    counts = {"Table": 0, "Blob": 0, "Queue": 0}
    details = []
    for m in pattern.finditer(text):
        counts[m.group(1)] += 1
        details.append(f"{m.group(1)} {m.group(2)} {m.group(3).split('/devstoreaccount1/')[-1][:90]}")
    return counts, details

rows = []
def measure(name, action, repeat=1):
    drain()
    for _ in range(repeat):
        action()
    counts, details = drain()
    rows.append((name, {k: v / repeat for k, v in counts.items()}))
    if "--verbose" in sys.argv:
        print(f"## {name}", *details, sep="\n", file=sys.stderr)

def bucket_with(name, notify):
    s3.create_bucket(Bucket=name)
    if notify:
        s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration={"TopicConfigurations": [{
            "TopicArn": "arn:objectstore:webhook::count", "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}]})

small, large = b"s" * 4096, b"L" * (64 * 1024 * 1024)
part = b"p" * (8 * 1024 * 1024)
for notify in (False, True):
    suffix = " (notification configured)" if notify else ""
    b = "count-notify" if notify else "count-plain"
    bucket_with(b, notify)
    s3.put_object(Bucket=b, Key="warm", Body=small)
    n = iter(range(10**6))
    measure("4 KiB PUT, new key" + suffix, lambda: s3.put_object(Bucket=b, Key=f"small/{next(n)}", Body=small), 5)
    measure("4 KiB PUT, overwrite" + suffix, lambda: s3.put_object(Bucket=b, Key="small/0", Body=small), 5)
    measure("64 MiB PUT (single request)" + suffix, lambda: s3.put_object(Bucket=b, Key="large", Body=large))
    if not notify:
        measure("4 KiB GET", lambda: s3.get_object(Bucket=b, Key="small/1")["Body"].read(), 5)
        measure("HEAD", lambda: s3.head_object(Bucket=b, Key="small/1"), 5)
        measure("64 MiB GET", lambda: s3.get_object(Bucket=b, Key="large")["Body"].read())
    d = iter(range(1, 6))
    measure("DELETE of a 4 KiB object" + suffix, lambda: s3.delete_object(Bucket=b, Key=f"small/{next(d)}"), 5)
    measure("DELETE of a 64 MiB object" + suffix, lambda: s3.delete_object(Bucket=b, Key="large"))
    if not notify:
        upload = {}
        measure("CreateMultipartUpload", lambda: upload.update(id=s3.create_multipart_upload(Bucket=b, Key="mp")["UploadId"]))
        etags = []
        p = iter(range(1, 3))
        measure("UploadPart (8 MiB)", lambda: etags.append(s3.upload_part(Bucket=b, Key="mp", UploadId=upload["id"], PartNumber=next(p), Body=part)["ETag"]), 2)
        measure("CompleteMultipartUpload (2 parts)", lambda: s3.complete_multipart_upload(Bucket=b, Key="mp", UploadId=upload["id"],
            MultipartUpload={"Parts": [{"PartNumber": i + 1, "ETag": e} for i, e in enumerate(etags)]}))

s3.create_bucket(Bucket="count-list")
for i in range(1000):
    s3.put_object(Bucket="count-list", Key=f"k/{i:04d}", Body=b"x")
measure("ListObjectsV2 page of 1000 keys", lambda: s3.list_objects_v2(Bucket="count-list", MaxKeys=1000), 3)
measure("DeleteObjects of 100 keys", lambda: s3.delete_objects(Bucket="count-list", Delete={"Objects": [{"Key": f"k/{i:04d}"} for i in range(100)]}))

print("| S3 operation | Table | Blob | Queue |")
print("|---|---|---|---|")
for name, c in rows:
    print(f"| {name} | {c['Table']:g} | {c['Blob']:g} | {c['Queue']:g} |")
