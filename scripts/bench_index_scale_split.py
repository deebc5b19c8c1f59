"""The split speed of scripts/bench-index-scale.sh: time of `index grow` and Table operations per moved key, as markdown."""
import json
import os
import sys

data, bucket, keys, split_to = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
AZURE_PARTITION = 2000  # entity operations/s Azure documents as one partition's target


def counts(name):
    path = os.path.join(data, name)
    if not os.path.exists(path):
        return None
    return {p["partition"]: p for p in json.load(open(path))["partitions"]
            if p["partition"] == bucket or p["partition"].startswith(bucket + "|")}


before, after = counts("split-before.json"), counts("split-after.json")
if before is None or after is None or not os.path.exists(os.path.join(data, "split-time")):
    print("\nSplit: no result.")
    sys.exit(0)
start, end = map(float, open(os.path.join(data, "split-time")).read().split())
seconds = end - start


def delta(partition, field):
    return after.get(partition, {}).get(field, 0) - before.get(partition, {}).get(field, 0)


def operations(partition):
    return sum(delta(partition, f) for f in ("pointReads", "queries", "writes", "transactionChanges"))


targets = [p for p in after if p != bucket]
source_ops = operations(bucket) / keys
source_rows = delta(bucket, "queryRows") / keys
target_ops = sum(operations(p) for p in targets) / keys
if source_ops + source_rows <= 0:
    print("\nSplit: no Table operations counted (no result).")
    sys.exit(0)
# On Azure the source partition's budget bounds the split: its operations and the rows its queries read per key.
azure_keys_per_second = AZURE_PARTITION / (source_ops + source_rows)
answer_path = os.path.join(data, "split-answer.json")
try:
    answer = json.load(open(answer_path))
except (OSError, ValueError):
    answer = {}
done = answer.get("done") is True
print()
print(f"Split speed: `index grow {bucket} {split_to}` of {keys:,} keys at 1 partition, one host, budget lifted"
      f"{'' if done else ' (NOT done: see the answer)'}:\n")
print("| Keys (moved) | Time (fence wait included) | Keys/s here | Table operations per key, source / targets | Rows the source's queries read per key "
      "| Azure, one source partition at 2,000 entity operations/s: keys/s, time per million keys (query rows counted / not) |")
print("|---|---|---|---|---|---|")
print(f"| {keys:,} ({answer.get('moved', '?')}) | {seconds:.1f} s | {keys / seconds:.0f} | {source_ops:.2f} / {target_ops:.2f} | {source_rows:.2f} "
      f"| {azure_keys_per_second:,.0f}, {1e6 / azure_keys_per_second / 60:.0f} min / {AZURE_PARTITION / source_ops:,.0f}, {1e6 * source_ops / AZURE_PARTITION / 60:.0f} min |")
print("\nPer key of the bucket (all are scanned, the moved ones are written to their target); the time includes the fixed wait of "
      "the routing cache lifetime + 10 s before keys move.")
