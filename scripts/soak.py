"""Soak test of a local host (scripts/soak.sh runs it): mixed load from several clients, with
injected faults, for a bounded time, then a report.

Each client runs its own keep-alive connection and key space: PUTs (0-256 KiB; the empty ones
with Expect: 100-continue, as boto3 sends them), GETs, HEADs, listings and DELETEs whose
expected status it knows, and now and then an injected fault on a new connection: half a body
then a TCP reset, or a body trickling at 1 byte/s (the host should cut it with RequestTimeout).
The report gives requests, errors by class, p50/p99 per operation, and the 5xx lines of the host
log (every injected fault is logged as 499 or 400, so any 5xx there is a real server error).
Bounded: --duration (at most 3600 s), --clients (at most 64), every wait has a timeout.
"""
import argparse, asyncio, json, random, re, socket, struct, sys, time
from collections import Counter, defaultdict

sys.path.insert(0, __import__("os").path.dirname(__file__))
from bench_burst import pct, read_response, signed_head  # noqa: E402

TIMEOUT = 30


async def read_full(reader):
    """Status and headers of one response, its body consumed."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    headers = {}
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name:
            headers[name.strip().lower().decode()] = value.strip().decode()
    if "chunked" in headers.get("transfer-encoding", ""):
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif status >= 200 and status not in (204, 304) and headers.get("content-length"):
        await reader.readexactly(int(headers["content-length"]))
    return status, headers


class Stats:
    def __init__(self):
        self.latency = defaultdict(list)
        self.outcomes = Counter()

    def add(self, op, outcome, ms=None):
        self.outcomes[(op, outcome)] += 1
        if ms is not None:
            self.latency[op].append(ms)


async def client(n, a, deadline, stats):
    rng = random.Random(a.seed * 1000 + n)
    port = a.port
    keys = {}  # key -> size, the objects this client has now
    conn = None
    counter = 0

    async def ensure():
        nonlocal conn
        if conn is None:
            conn = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), TIMEOUT)
        return conn

    def drop():
        nonlocal conn
        if conn is not None:
            conn[1].close()
        conn = None

    async def call(op, method, path, body=b"", expect=(200,), extra=None, head=False):
        started = time.perf_counter()
        try:
            reader, writer = await ensure()
            raw = signed_head(a.endpoint, method, path, a.key, a.secret, body)
            if extra:
                raw = raw.replace(b"\r\n\r\n", b"\r\n" + extra + b"\r\n\r\n", 1)
            writer.write(raw)
            await writer.drain()
            if head:
                h = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), TIMEOUT)
                status = int(h.split(b" ", 2)[1])
                headers = {"connection": "close"} if b"connection: close" in h.lower() else {}
            else:
                status, headers = await asyncio.wait_for(read_full(reader), TIMEOUT)
                if status == 100:  # the interim answer an empty PUT asked for
                    status, headers = await asyncio.wait_for(read_full(reader), TIMEOUT)
            ms = (time.perf_counter() - started) * 1000
            if headers.get("connection", "").lower() == "close":
                drop()
            stats.add(op, "ok" if status in expect else f"unexpected {status}", ms)
            return status
        except (asyncio.TimeoutError, OSError, asyncio.IncompleteReadError) as e:
            drop()
            stats.add(op, "connection error " + type(e).__name__)
            return None

    async def abort_mid_body():
        size = rng.randint(64 << 10, 1 << 20)
        path = f"/{a.bucket}/c{n}/aborted/{counter}"
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), TIMEOUT)
            writer.write(signed_head(a.endpoint, "PUT", path, a.key, a.secret, b"")[:-4]
                         .replace(b"Content-Length: 0", f"Content-Length: {size}".encode()) + b"\r\n\r\n")
            writer.write(b"a" * (size // 2))
            await writer.drain()
            await asyncio.sleep(rng.uniform(0.05, 0.5))
            writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            stats.add("fault:reset-mid-body", "injected")
        except (asyncio.TimeoutError, OSError) as e:
            stats.add("fault:reset-mid-body", "connection error " + type(e).__name__)

    async def slow_body():
        path = f"/{a.bucket}/c{n}/slow/{counter}"
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), TIMEOUT)
            writer.write(signed_head(a.endpoint, "PUT", path, a.key, a.secret, b"")[:-4]
                         .replace(b"Content-Length: 0", b"Content-Length: 1000") + b"\r\n\r\n")
            await writer.drain()
            answer = asyncio.ensure_future(read_full(reader))
            for _ in range(TIMEOUT):
                if answer.done():
                    break
                try:
                    writer.write(b"s")
                    await writer.drain()
                except OSError:
                    break
                await asyncio.wait([answer], timeout=1)
            status, _ = await asyncio.wait_for(answer, 5)
            stats.add("fault:slow-body", "cut with 400" if status == 400 else f"unexpected {status}",
                      (time.perf_counter() - started) * 1000)
            writer.close()
        except (asyncio.TimeoutError, OSError, asyncio.IncompleteReadError) as e:
            stats.add("fault:slow-body", "not cut: " + type(e).__name__)

    while time.time() < deadline:
        counter += 1
        roll = rng.random()
        if roll < a.fault_rate:
            await (abort_mid_body() if rng.random() < 0.75 else slow_body())
            continue
        op = rng.choices(["put", "put-empty", "get", "head", "list", "delete"], [30, 8, 30, 10, 5, 7])[0]
        if op in ("put", "put-empty") or not keys:
            empty = op == "put-empty"
            key = f"c{n}/k{rng.randint(0, 200)}"
            size = 0 if empty else rng.choice([1, 4096, rng.randint(1, 256 << 10)])
            extra = b"Expect: 100-continue" if empty else None
            if await call("put-empty" if empty else "put", "PUT", f"/{a.bucket}/{key}", b"p" * size, extra=extra) == 200:
                keys[key] = size
        elif op == "get":
            key = rng.choice(list(keys))
            await call("get", "GET", f"/{a.bucket}/{key}")
        elif op == "head":
            key = rng.choice(list(keys))
            await call("head", "HEAD", f"/{a.bucket}/{key}", head=True)
        elif op == "list":
            await call("list", "GET", f"/{a.bucket}?list-type=2&max-keys=100&prefix=c{n}%2F")
        else:
            key = rng.choice(list(keys))
            if await call("delete", "DELETE", f"/{a.bucket}/{key}", expect=(204,)) == 204:
                keys.pop(key, None)
    drop()


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--bucket", default="soak")
    ap.add_argument("--duration", type=float, default=600)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--fault-rate", type=float, default=0.03, help="share of operations that are injected faults")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--host-log", default=None)
    a = ap.parse_args()
    a.duration = max(1, min(a.duration, 3600))
    a.clients = max(1, min(a.clients, 64))
    a.port = int(a.endpoint.rsplit(":", 1)[1])

    reader, writer = await asyncio.open_connection("127.0.0.1", a.port)
    writer.write(signed_head(a.endpoint, "PUT", f"/{a.bucket}", a.key, a.secret)); await writer.drain(); await read_response(reader)
    writer.close()

    stats = Stats()
    started = time.time()
    deadline = started + a.duration
    # Every client stops at the deadline; the grace covers one last slow-body fault.
    await asyncio.wait_for(asyncio.gather(*(client(i, a, deadline, stats) for i in range(a.clients))), a.duration + 2 * TIMEOUT + 10)
    elapsed = time.time() - started

    total = sum(stats.outcomes.values())
    print(f"soak: {a.clients} clients, {elapsed:.0f} s, {total} operations ({total / elapsed:.1f}/s), fault rate {a.fault_rate}")
    print(f"{'operation':<22} {'n':>7} {'p50 ms':>9} {'p99 ms':>9}  outcomes")
    for op in sorted({op for op, _ in stats.outcomes}):
        lat = stats.latency.get(op, [])
        outcomes = {o: c for (o2, o), c in stats.outcomes.items() if o2 == op}
        print(f"{op:<22} {sum(outcomes.values()):>7} {pct(lat, 50):>9.1f} {pct(lat, 99):>9.1f}  {json.dumps(outcomes)}")
    errors = Counter()
    for (op, outcome), c in stats.outcomes.items():
        if outcome not in ("ok", "injected", "cut with 400"):
            errors[outcome.split(":")[0]] += c
    print("errors by class:", json.dumps(dict(errors)) if errors else "none")

    if a.host_log:
        await asyncio.sleep(1)
        statuses, fails = Counter(), 0
        with open(a.host_log, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = re.search(r"\[100[05]\] .* -> (\d{3}) ", line)
                if m:
                    statuses[m.group(1)] += 1
                if " fail: " in line:
                    fails += 1
        server_errors = sum(c for s, c in statuses.items() if s.startswith("5"))
        print("host log statuses:", json.dumps(dict(sorted(statuses.items()))))
        print(f"host log: {server_errors} 5xx answers (none are injected: faults log 499 or 400), {fails} 'fail:' lines")


asyncio.run(main())
