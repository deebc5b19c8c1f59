#!/usr/bin/env python3
"""Event delivery benchmark (docs/benchmarks.md): PUTs through boto3 with a bucket notification to a
webhook served here on 127.0.0.1; measures events per second from the first PUT to the last delivery
and the latency from each PUT's response (and request) to its event's arrival, p50 and p99.
Started by scripts/bench-events.sh, which starts Azurite and the local host with the webhook defined."""
import argparse, json, sys, threading, time, urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
from botocore.config import Config

arrivals = {}          # key -> first arrival time (time.time())
lock = threading.Lock()
test_event = threading.Event()


class Hook(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a production receiver would

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        now = time.time()
        doc = json.loads(body)
        if doc.get("Event") == "s3:TestEvent":
            test_event.set()
        for record in doc.get("Records", []):
            key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
            with lock:
                arrivals.setdefault(key, now)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--hook-port", type=int, required=True)
    ap.add_argument("--access-key", default="bench")
    ap.add_argument("--secret-key", default="bench-secret")
    ap.add_argument("--events", type=int, default=500)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--size", type=int, default=1024)
    args = ap.parse_args()

    ThreadingHTTPServer.request_queue_size = 256  # the default backlog of 5 refuses concurrent deliveries
    server = ThreadingHTTPServer(("127.0.0.1", args.hook_port), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    s3 = boto3.client("s3", endpoint_url=args.endpoint, aws_access_key_id=args.access_key, aws_secret_access_key=args.secret_key,
                      region_name="us-east-1", config=Config(s3={"addressing_style": "path"}, max_pool_connections=args.concurrency * 2,
                                                             retries={"max_attempts": 1}))
    bucket = "bench-events-%d" % int(time.time())
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"TopicConfigurations": [{
        "Id": "bench", "TopicArn": "arn:objectstore:webhook::bench", "Events": ["s3:ObjectCreated:*"]}]})
    if not test_event.wait(30):
        sys.exit("no s3:TestEvent within 30 s")

    body = b"x" * args.size
    started, returned = {}, {}

    def put(i):
        key = "uploads/shard-%06d.parquet" % i
        started[key] = time.time()
        s3.put_object(Bucket=bucket, Key=key, Body=body)
        returned[key] = time.time()

    t0 = time.time()
    with ThreadPoolExecutor(args.concurrency) as pool:
        list(pool.map(put, range(args.events)))
    puts_done = time.time()
    deadline = time.time() + 120
    while time.time() < deadline:
        with lock:
            if len(arrivals) >= args.events:
                break
        time.sleep(0.01)
    with lock:
        got = dict(arrivals)
    missing = [k for k in started if k not in got]
    last = max(got.values())
    from_response = [(got[k] - returned[k]) * 1000 for k in started if k in got]
    from_request = [(got[k] - started[k]) * 1000 for k in started if k in got]
    print(json.dumps({
        "events": args.events, "concurrency": args.concurrency, "object_bytes": args.size,
        "delivered": len(got), "missing": len(missing),
        "put_per_s": round(args.events / (puts_done - t0), 1),
        "delivered_per_s": round(len(got) / (last - t0), 1),
        "latency_after_put_response_ms": {"p50": round(percentile(from_response, 50), 1), "p99": round(percentile(from_response, 99), 1),
                                          "max": round(max(from_response), 1)},
        "latency_from_put_request_ms": {"p50": round(percentile(from_request, 50), 1), "p99": round(percentile(from_request, 99), 1)},
    }, indent=2))
    server.shutdown()
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
