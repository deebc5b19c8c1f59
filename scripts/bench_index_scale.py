"""Renders scripts/bench-index-scale.sh's results (one JSON line per measurement, per partition count) as markdown."""
import json
import os
import sys

data, budget, hosts, clients, keys, started, load_end, commit = sys.argv[1:9]
partitions = sys.argv[9:]
budget = float(budget)


def rows(p):
    path = os.path.join(data, f"results-{p}.jsonl")
    found = {}
    if os.path.exists(path):
        for line in open(path):
            row = json.loads(line)
            found[row["phase"]] = row
    return found


def cpu(row):
    ms = row.get("cpuMsPerOperation", {})
    host = sum(v for k, v in ms.items() if k.startswith("host"))
    return f"{host:.2f} / {ms.get('azurite', float('nan')):.2f} / {ms.get('proxy', float('nan')):.2f}"


def table(row, name):
    return row.get("tablePerOperation", {}).get(name, float("nan"))


def operations(row):
    """Table entity operations Azurite served per request: point reads, queries, single writes, transaction changes."""
    return sum(table(row, name) for name in ("pointReads", "queries", "writes", "transactionChanges"))


def requests(row):
    """Table REST requests per request (what the account's request limit counts): a transaction is one."""
    return sum(table(row, name) for name in ("pointReads", "queries", "writes", "transactions"))


def load(p, when):
    path = os.path.join(data, f"load-{when}-{p}")
    return open(path).read().strip() if os.path.exists(path) else "?"


print(f"Commit {commit}, {started}; budget {budget:g} entity operations/s per partition; {hosts} local hosts; "
      f"{clients} clients; {keys} preloaded keys; load average at the end {load_end}\n")
print("| Partitions | PUT/s | GET/s | Budget ceiling PUT / GET | SlowDowns PUT / GET | Table operations (requests) per PUT / GET "
      "| CPU ms per PUT, hosts / Azurite / proxy | CPU ms per GET | Listing: ms per page | Keys per page | Queries per page | Rows read per page "
      "| Load average before / after |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for p in partitions:
    r = rows(p)
    put, get, lst = r.get("put"), r.get("get"), r.get("list")
    if not put or not get:
        print(f"| {p} | (no result) | | | | | | | | | | | |")
        continue
    reference = p == "none"
    ceiling = "-" if reference else " / ".join(f"{int(p) * budget / operations(x):.0f}" if operations(x) > 0 else "?" for x in (put, get))
    wrong = f" ({lst['wrongListings']} of {lst['listings']} listings wrong: {lst['keys'] / lst['listings']:.0f} keys each, not {keys})" if lst and lst.get("wrongListings") else ""
    listing = (f"{lst['msPerPage']:.0f} | {lst['keys'] / lst['operations']:.0f}{wrong} | {table(lst, 'queries'):.1f} | {table(lst, 'queryRows'):.0f}"
               if lst else "- | - | - | -")
    label = "1, no budget" if reference else p
    print(f"| {label} | {put['rate']:.0f} | {get['rate']:.0f} | {ceiling} "
          f"| {put['slowDowns']} / {get['slowDowns']} | {operations(put):.2f} ({requests(put):.2f}) / {operations(get):.2f} ({requests(get):.2f}) "
          f"| {cpu(put)} | {cpu(get)} | {listing} | {load(p, 'before')} / {load(p, 'after')} |")
print()
print("Table operations: entity operations the proxy forwarded per request (point reads, queries, single writes, changes in "
      "transactions; retries of refused calls included, the refusals themselves not); in brackets the Table requests (a transaction is one). "
      "Budget ceiling: partitions × budget ÷ those operations. "
      "Partitions the bucket's rows used, per phase: "
      + ", ".join(f"P={p}: {rows(p).get('put', {}).get('partitionsUsed', '?')}" for p in partitions if p != "none") + "."
      + (" \"1, no budget\": one partition with the budget lifted after the preload, the same path without throttling (one partition still keeps one group-commit transaction in flight)."
         if "none" in partitions else ""))
