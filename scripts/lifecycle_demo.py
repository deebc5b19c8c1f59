"""Populates the example ML artifact bucket for scripts/lifecycle-demo.sh.

With OBJECTSTORE_LIFECYCLE_DAY=00:00:01 one second is one rule day, so writing in waves some
seconds apart gives objects, versions and uploads of different ages: wave A is about 125 days old
when the dry run looks, wave B about 35, wave C about 10 (more under load: writing takes rule days too).
"""
import os
import sys
import time

import urllib.request

import boto3
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

MIB = 1024 * 1024
endpoint, access_key, secret_key, bucket, rules_file = sys.argv[1:6]
s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                  region_name="us-east-1", config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}))


def put(key, size):
    s3.put_object(Bucket=bucket, Key=key, Body=os.urandom(size))


def incomplete_upload(key, parts):
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    for n in range(1, parts + 1):
        s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=n, Body=os.urandom(5 * MIB))


def wave(name, seconds_after_start, start, work):
    delay = start + seconds_after_start - time.time()
    if delay > 0:
        print(f"waiting {delay:.0f} s (= rule days) for wave {name}", file=sys.stderr)
        time.sleep(delay)
    work()
    print(f"wave {name} written at rule day {time.time() - start:.0f}", file=sys.stderr)


s3.create_bucket(Bucket=bucket)
s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})

# boto3 builds lifecycle documents from dicts; send the example file as it is, signed with botocore.
with open(rules_file, "rb") as f:
    document = f.read()
request = AWSRequest(method="PUT", url=f"{endpoint}/{bucket}?lifecycle", data=document, headers={"Content-Type": "application/xml"})
S3SigV4Auth(Credentials(access_key, secret_key), "s3", "us-east-1").add_auth(request)
with urllib.request.urlopen(urllib.request.Request(request.url, data=document, headers=dict(request.headers.items()), method="PUT")) as response:
    assert response.status == 200, response.status
start = time.time()


def wave_a():
    for i in range(24):
        put(f"datasets/training/imagenet-shard-{i:04d}.tar", 4 * MIB)
    for step in range(1000, 11000, 1000):
        put(f"checkpoints/run-1/step-{step}.pt", 6 * MIB)
    put("models/production/resnet50.safetensors", 8 * MIB)
    put("models/production/resnet50.safetensors", 8 * MIB)
    incomplete_upload("checkpoints/run-1/final.pt", 2)


def wave_b():
    for i in range(8):  # re-exported shards: the old versions become noncurrent
        put(f"datasets/training/imagenet-shard-{i:04d}.tar", 4 * MIB)
    for i in range(24, 36):
        put(f"datasets/training/imagenet-shard-{i:04d}.tar", 4 * MIB)
    for step in range(1000, 11000, 1000):
        put(f"checkpoints/run-2/step-{step}.pt", 6 * MIB)
    put("checkpoints/run-2/latest.pt", 6 * MIB)
    put("models/production/resnet50.safetensors", 8 * MIB)


def wave_c():
    for step in range(1000, 6000, 1000):
        put(f"checkpoints/run-3/step-{step}.pt", 6 * MIB)
    put("checkpoints/run-2/latest.pt", 6 * MIB)
    put("models/production/resnet50.safetensors", 8 * MIB)
    incomplete_upload("checkpoints/run-3/final.pt", 1)


wave("A", 0, start, wave_a)
wave("B", 90, start, wave_b)
wave("C", 120, start, wave_c)
