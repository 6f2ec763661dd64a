"""boto3's sagemaker-runtime client against a local knn endpoint, for knn's tests (python3 on PATH has boto3).

  runtime_client.py URL ENDPOINT BODY_FILE [--content-type T] [--accept A] [--custom-attributes X] [--unsigned]

Prints one JSON object: {"ok": true, "body", "content_type", "variant", "custom_attributes"} or, when botocore
raises, {"ok": false, "exception": class name, "code", "message", "status", "original_status", "original_message"}.
"""
import argparse
import json

import boto3
import botocore
from botocore.config import Config

parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("endpoint")
parser.add_argument("body")
parser.add_argument("--content-type")
parser.add_argument("--accept")
parser.add_argument("--custom-attributes")
parser.add_argument("--unsigned", action="store_true")
args = parser.parse_args()

config = Config(retries={"max_attempts": 1, "mode": "standard"}, signature_version=botocore.UNSIGNED if args.unsigned else None)
client = boto3.client("sagemaker-runtime", endpoint_url=args.url, region_name="us-east-1",
                      aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", config=config)
with open(args.body, "rb") as f:
    request = {"EndpointName": args.endpoint, "Body": f.read()}
for key, value in (("ContentType", args.content_type), ("Accept", args.accept), ("CustomAttributes", args.custom_attributes)):
    if value is not None:
        request[key] = value
try:
    response = client.invoke_endpoint(**request)
    print(json.dumps({
        "ok": True,
        "body": response["Body"].read().hex(),
        "content_type": response.get("ContentType"),
        "variant": response.get("InvokedProductionVariant"),
        "custom_attributes": response.get("CustomAttributes"),
    }))
except botocore.exceptions.ClientError as e:
    error = e.response.get("Error", {})
    print(json.dumps({
        "ok": False,
        "exception": type(e).__name__,
        "code": error.get("Code"),
        "message": error.get("Message"),
        "status": e.response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
        "original_status": e.response.get("OriginalStatusCode"),
        "original_message": e.response.get("OriginalMessage"),
    }))
