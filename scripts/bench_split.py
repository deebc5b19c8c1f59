"""Split speed of a bucket's index (scripts/bench-split.sh runs it; docs/index-schema.md, "Growing a bucket online").

Preloads N small keys into a one-partition bucket (S3 PUTs, many at once), grows it to COUNT partitions
with the admin route POST /_admin/v1/index/partitions (signed with SigV4 by the root key) until it
answers done, while a poller reads GET /_admin/v1/index/partitions and the CPU time of the host and
Azurite processes every 0.25 s. Reports the move phase (from MovesFrom to the flip) and the cleanup
phase (from CleanupFrom to done): keys moved per second and CPU milliseconds per moved key.
Bounded: at most 200,000 keys; no grow call starts after the deadline (default 3,000 s).
"""
import argparse, concurrent.futures, datetime, json, os, threading, time, urllib.request
import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU of a process and its children that ended (from /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / TICKS


def admin(args, method, route, timeout=260):
    url = f"{args.endpoint}/_admin/v1/{route}"
    request = AWSRequest(method=method, url=url, data=b"", headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
    SigV4Auth(Credentials(args.key, args.secret), "s3", "us-east-1").add_auth(request)
    prepared = urllib.request.Request(url, method=method, headers=dict(request.headers.items()), data=b"" if method == "POST" else None)
    with urllib.request.urlopen(prepared, timeout=timeout) as response:
        return json.loads(response.read())


def preload(args, s3, bucket):
    body = os.urandom(args.size)
    names = [f"datasets/train/shard-{i // 1000:04d}/sample-{i:07d}.tfrecord" for i in range(args.keys)]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
        for _ in pool.map(lambda k: s3.put_object(Bucket=bucket, Key=k, Body=body), names):
            pass
    elapsed = time.monotonic() - started
    print(f"preloaded {args.keys} keys of {args.size} B in {elapsed:.1f} s ({args.keys / elapsed:.0f} PUT/s, {args.concurrency} at once)")


def poll(args, bucket, samples, stop):
    while not stop.is_set():
        try:
            status = admin(args, "GET", f"index/partitions?bucket={bucket}", timeout=30)
        except Exception as e:  # the poller must not end the run; the grow call reports real errors
            status = {"error": str(e)}
        samples.append((time.time(), status, cpu_seconds(args.host_pid), cpu_seconds(args.azurite_pid)))
        stop.wait(0.25)


def phase_window(samples, phase, until_phase):
    """From the first sample past the phase's waitUntil to the first sample showing the next state."""
    start = end = None
    for t, status, *_ in samples:
        if start is None and status.get("phase") == phase and status.get("waitUntil"):
            start_time = datetime.datetime.fromisoformat(status["waitUntil"]).timestamp()
            start = next((s for s in samples if s[0] >= start_time), None)
        if start is not None and until_phase(status):
            end = (t, status)
            break
    if start is None or end is None:
        return None
    end_sample = next(s for s in samples if s[0] == end[0])
    return start, end_sample


def report(name, window, moved):
    if window is None:
        print(f"{name}: not observed")
        return
    (t0, _, host0, azurite0), (t1, _, host1, azurite1) = window
    seconds = t1 - t0
    print(f"{name}: {seconds:.1f} s for {moved} moved keys: {moved / seconds:.0f} keys/s; "
          f"CPU per moved key: host {1000 * (host1 - host0) / moved:.2f} ms, Azurite {1000 * (azurite1 - azurite0) / moved:.2f} ms "
          f"(host {100 * (host1 - host0) / seconds:.0f}%, Azurite {100 * (azurite1 - azurite0) / seconds:.0f}% of a core)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--host-pid", type=int, required=True)
    parser.add_argument("--azurite-pid", type=int, required=True)
    parser.add_argument("--keys", type=int, default=20000)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--count", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--deadline", type=int, default=3000)
    args = parser.parse_args()
    args.keys = min(args.keys, 200_000)
    deadline = time.monotonic() + args.deadline

    s3 = boto3.client("s3", endpoint_url=args.endpoint, aws_access_key_id=args.key, aws_secret_access_key=args.secret,
                      region_name="us-east-1", config=Config(max_pool_connections=args.concurrency, s3={"addressing_style": "path"},
                                                             retries={"mode": "standard", "max_attempts": 10}))
    bucket = f"split-{int(time.time())}"
    s3.create_bucket(Bucket=bucket)
    preload(args, s3, bucket)

    samples, stop = [], threading.Event()
    poller = threading.Thread(target=poll, args=(args, bucket, samples, stop), daemon=True)
    poller.start()
    started = time.monotonic()
    calls = 0
    while True:
        calls += 1
        answer = admin(args, "POST", f"index/partitions?bucket={bucket}&count={args.count}")
        if answer.get("done") or time.monotonic() > deadline:
            break
    total = time.monotonic() - started
    time.sleep(0.5)
    stop.set()
    poller.join()

    moved = answer.get("moved", 0)
    print(f"grow 1 -> {args.count}: {calls} call(s), {total:.1f} s in all (including the two fence waits), "
          f"scanned {answer.get('scanned')} rows, moved {moved} keys, done={answer.get('done')}")
    report("move phase (MovesFrom to flip)", phase_window(samples, "moving", lambda s: s.get("phase") == "cleanup"), moved)
    report("cleanup phase (CleanupFrom to done)", phase_window(samples, "cleanup", lambda s: s.get("phase") == "" and s.get("count") == args.count), moved)


if __name__ == "__main__":
    main()
