"""Burst of new connections against a local host (scripts/bench-burst.sh runs it).

Opens N connections at once, each sends one signed request and waits for its answer (the
"first" round), then every connection sends R more requests one after another ("later"
rounds). Prints client-side latencies, then the handler's own elapsed times for the same
requests from the host log (event 1000 lines). Bounded: at most 1000 connections, 20 rounds,
and a deadline (default 180 s) after which it stops and reports what it has.
"""
import argparse, asyncio, json, re, statistics, sys, time
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def signed_head(endpoint, method, path, key, secret, body=b""):
    request = AWSRequest(method=method, url=endpoint + path, data=body, headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
    SigV4Auth(Credentials(key, secret), "s3", "us-east-1").add_auth(request)
    host = endpoint.split("//", 1)[1]
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in request.headers.items() if k.lower() not in ("host", "content-length")]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def read_response(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        if name.strip().lower() == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def summary(name, ms):
    if not ms:
        return f"{name:<28} n=0"
    return (f"{name:<28} n={len(ms):<5} p50={pct(ms, 50):8.1f} p90={pct(ms, 90):8.1f} p99={pct(ms, 99):8.1f} "
            f"max={max(ms):8.1f} ms")


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--bucket", default="burst")
    ap.add_argument("--connections", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--deadline", type=float, default=180)
    ap.add_argument("--host-log", default=None)
    ap.add_argument("--op", choices=["get", "put"], default="get", help="GET of one object, or PUT to a new key")
    ap.add_argument("--size", type=int, default=4096, help="object size in bytes (at most 8 MiB)")
    a = ap.parse_args()
    a.connections = max(1, min(a.connections, 1000))
    a.rounds = max(0, min(a.rounds, 20))
    a.size = max(0, min(a.size, 8 << 20))
    payload = b"y" * a.size
    host = a.endpoint.split("//", 1)[1].split(":")
    port = int(host[1])

    # Set-up on one connection: the bucket and a 4 KiB object every request reads.
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(signed_head(a.endpoint, "PUT", f"/{a.bucket}", a.key, a.secret)); await writer.drain(); await read_response(reader)
    writer.write(signed_head(a.endpoint, "PUT", f"/{a.bucket}/obj", a.key, a.secret, payload)); await writer.drain(); await read_response(reader)
    writer.close()
    get_once = signed_head(a.endpoint, "GET", f"/{a.bucket}/obj", a.key, a.secret)
    counter = iter(range(10**9))

    def request():
        if a.op == "get":
            return get_once
        return signed_head(a.endpoint, "PUT", f"/{a.bucket}/new/{next(counter)}", a.key, a.secret, payload)
    marker = time.time()
    await asyncio.sleep(1)  # the set-up's log lines are out before the burst

    first, later, errors = [], [], {}
    start = time.perf_counter()

    async def one(i):
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request()); await writer.drain()
            status = await read_response(reader)
            first.append((time.perf_counter() - start) * 1000)
            if status != 200:
                errors[status] = errors.get(status, 0) + 1
            return reader, writer
        except Exception as e:  # noqa: BLE001 - counted and reported
            errors[type(e).__name__] = errors.get(type(e).__name__, 0) + 1
            return None

    async def rounds(conn, gate):
        if conn is None:
            return
        reader, writer = conn
        await gate.wait()
        try:
            for _ in range(a.rounds):
                t = time.perf_counter()
                writer.write(request()); await writer.drain()
                status = await read_response(reader)
                later.append((time.perf_counter() - t) * 1000)
                if status != 200:
                    errors[status] = errors.get(status, 0) + 1
        except Exception as e:  # noqa: BLE001
            errors[type(e).__name__] = errors.get(type(e).__name__, 0) + 1
        finally:
            writer.close()

    try:
        conns = await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(a.connections))), a.deadline)
        first_done = (time.perf_counter() - start) * 1000
        gate = asyncio.Event(); gate.set()
        await asyncio.wait_for(asyncio.gather(*(rounds(c, gate) for c in conns)), a.deadline)
    except asyncio.TimeoutError:
        errors["deadline"] = 1
        first_done = float("nan")

    print(f"{a.connections} connections at once, then {a.rounds} more {a.op.upper()}s ({a.size} bytes) on each")
    print("client side, from the burst start to each connection's first answer:")
    print("  " + summary("first answer", first))
    print(f"  all first answers in {first_done:.0f} ms")
    print("client side, later requests on the same connections:")
    print("  " + summary("later request", later))
    if errors:
        print("errors:", json.dumps(errors))

    if a.host_log:
        await asyncio.sleep(1)
        pattern = re.compile(r"GET /\S+/obj GetObject -> (\d+) .* ([\d.]+) ms id=" if a.op == "get"
                             else r"PUT /\S+/new/\d+ PutObject -> (\d+) .* ([\d.]+) ms id=")
        ms = []
        with open(a.host_log, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = pattern.search(line)
                if m:
                    ms.append(float(m.group(2)))
        n = len(first)
        print("inside the handler (host log, event 1000 elapsed):")
        print("  " + summary("first request", ms[:n]))
        print("  " + summary("later requests", ms[n:]))


if __name__ == "__main__":
    asyncio.run(main())
