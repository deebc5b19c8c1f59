"""Counts the storage transactions (REST requests Azurite received: Table, Blob, Queue) that each S3
operation costs, through the local host with blob zones (the Azure deployment's layout), in a bucket
without and in one with a notification configuration. Driven by scripts/count-transactions.sh, which
starts Azurite with --debug LOG: each request it receives is one
"<Service>StorageContextMiddleware: RequestMethod=" line there."""
import re, sys, time
from urllib.parse import unquote
import boto3
from botocore.config import Config

endpoint, log_path = sys.argv[1], sys.argv[2]
verbose = "--verbose" in sys.argv
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="bench",
                  aws_secret_access_key="bench-secret",
                  config=Config(s3={"addressing_style": "path"}, request_checksum_calculation="when_required",
                                response_checksum_validation="when_required", retries={"max_attempts": 1}))
pattern = re.compile(r"(Table|Blob|Queue)StorageContextMiddleware: RequestMethod=(\w+) RequestURL=(\S+)")
position = 0

def describe(service, method, url):
    """What one request is, for --verbose (row kinds: docs/index-schema.md)."""
    path = unquote(url.split("/devstoreaccount1/")[-1])
    if service == "Blob":
        shard = path.split("?")[0]
        kind = {"PUT": "Put Block List" if "comp=blocklist" in path else "Put Block" if "comp=block" in path else "Put Blob",
                "GET": "Get Blob (range)", "DELETE": "Delete Blob", "HEAD": "Get Blob Properties"}.get(method, method)
        return f"Blob {kind}  {shard}"
    if service == "Queue":
        return f"Queue {'Put Message' if method == 'POST' else method} {path.split('?')[0]}"
    if path.startswith("$batch"):
        return "Table $batch (entity-group transaction)"
    point = re.match(r"(\w+)\(PartitionKey='([^']*)',RowKey='([^']*)'\)", path)
    if point:
        table, _, row = point.groups()
        what = {"": "bucket record", "index": "routing row"}.get(row) if table.endswith("Buckets") else \
            {"o": "current row", "v": "version row", "u": "upload row", "p": "part row", "e": "outbox row", "g": "deletion row"}.get(row[:1], "row")
        verb = {"GET": "point read", "PUT": "replace", "MERGE": "merge", "DELETE": "delete"}.get(method, method)
        return f"Table {verb} of {what} ({table} {row})"
    if method == "POST":
        return f"Table insert (single entity) {path.split('?')[0]}"
    query = re.search(r"\$filter=([^&]*)", path)
    top = re.search(r"\$top=(\d+)", path)
    table = path.split("(")[0]
    if table.endswith("Buckets") and query and "'index'" in query.group(1):
        return "Table query: bucket routing (bucket record and routing row)"
    return f"Table query {table}{' top ' + top.group(1) if top else ''}: {query.group(1)[:110] if query else path[:110]}"

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
        details.append(describe(*m.groups()))
    return counts, details

rows = {}  # operation -> {False: counts without, True: counts with a notification configuration}
def measure(name, notify, action, repeat=1):
    """Runs action repeat times, each run's requests counted apart (the wait for a quiet log sits between runs in
    every mode, so --verbose counts the same); the row is the mean."""
    drain()
    totals = {"Table": 0, "Blob": 0, "Queue": 0}
    for i in range(repeat):
        action()
        counts, details = drain()
        for k, v in counts.items():
            totals[k] += v
        if verbose:
            run = f", run {i + 1}" if repeat > 1 else ""
            print(f"## {name}{' (notification configured)' if notify else ''}{run}", *summarised(details), sep="\n", file=sys.stderr)
    rows.setdefault(name, {})[notify] = {k: v / repeat for k, v in totals.items()}

def summarised(details):
    """Consecutive Blob requests of one kind folded into one line: "Blob Put Block x16 (6 blobs)"."""
    out, run = [], []
    def flush():
        if run:
            kind = run[0].split("  ")[0]
            out.append(f"{kind} x{len(run)} ({len({r.split('  ')[1] for r in run})} blobs)")
            run.clear()
    for d in details:
        if d.startswith("Blob") and (not run or run[0].split("  ")[0] == d.split("  ")[0]):
            run.append(d)
            continue
        flush()
        if d.startswith("Blob"):
            run.append(d)
        else:
            out.append(d)
    flush()
    return out

def bucket_with(name, notify):
    s3.create_bucket(Bucket=name)
    if notify:
        configure_notification(name)

def configure_notification(name):
    s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration={"TopicConfigurations": [{
        "TopicArn": "arn:objectstore:webhook::count", "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}]})

small, large = b"s" * 4096, b"L" * (64 * 1024 * 1024)
part = b"p" * (8 * 1024 * 1024)
for notify in (False, True):
    b = "count-notify" if notify else "count-plain"
    bucket_with(b, notify)
    s3.put_object(Bucket=b, Key="warm", Body=small)
    n = iter(range(10**6))
    measure("4 KiB PUT, new key", notify, lambda: s3.put_object(Bucket=b, Key=f"small/{next(n)}", Body=small), 5)
    measure("4 KiB PUT, overwrite", notify, lambda: s3.put_object(Bucket=b, Key="small/0", Body=small), 5)
    measure("64 MiB PUT (single request)", notify, lambda: s3.put_object(Bucket=b, Key="large", Body=large))
    measure("4 KiB GET", notify, lambda: s3.get_object(Bucket=b, Key="small/1")["Body"].read(), 5)
    measure("HEAD", notify, lambda: s3.head_object(Bucket=b, Key="small/1"), 5)
    measure("64 MiB GET", notify, lambda: s3.get_object(Bucket=b, Key="large")["Body"].read())
    d = iter(range(5))  # the five keys the new-key PUTs wrote
    measure("DELETE of a 4 KiB object", notify, lambda: s3.delete_object(Bucket=b, Key=f"small/{next(d)}"), 5)
    measure("DELETE of a 64 MiB object", notify, lambda: s3.delete_object(Bucket=b, Key="large"))
    upload = {}
    measure("CreateMultipartUpload", notify, lambda: upload.update(id=s3.create_multipart_upload(Bucket=b, Key="mp")["UploadId"]))
    etags = []
    p = iter(range(1, 3))
    measure("UploadPart (8 MiB)", notify, lambda: etags.append(s3.upload_part(Bucket=b, Key="mp", UploadId=upload["id"], PartNumber=next(p), Body=part)["ETag"]), 2)
    measure("CompleteMultipartUpload (2 parts)", notify, lambda: s3.complete_multipart_upload(Bucket=b, Key="mp", UploadId=upload["id"],
        MultipartUpload={"Parts": [{"PartNumber": i + 1, "ETag": e} for i, e in enumerate(etags)]}))

# Listing and DeleteObjects: 1,000 keys, then the notification configuration is added to the same bucket
# (and 100 keys put back) for the second pair.
s3.create_bucket(Bucket="count-list")
for i in range(1000):
    s3.put_object(Bucket="count-list", Key=f"k/{i:04d}", Body=b"x")
for notify in (False, True):
    if notify:
        for i in range(1000, 1100):
            s3.put_object(Bucket="count-list", Key=f"k/{i:04d}", Body=b"x")
        configure_notification("count-list")
    first = 100 if notify else 0
    measure("ListObjectsV2 page of 1000 keys", notify, lambda: s3.list_objects_v2(Bucket="count-list", MaxKeys=1000), 3)
    measure("DeleteObjects of 100 keys", notify, lambda: s3.delete_objects(Bucket="count-list", Delete={"Objects": [{"Key": f"k/{i:04d}"} for i in range(first, first + 100)]}))

def cell(c):
    return " | ".join(f"{round(c[k], 2):g}" for k in ("Table", "Blob", "Queue"))

print("| S3 operation | Table | Blob | Queue | Table | Blob | Queue (with notification) |")
print("|---|---|---|---|---|---|---|")
for name, by in rows.items():
    print(f"| {name} | {cell(by[False])} | {cell(by[True])} |")
