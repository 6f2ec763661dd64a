"""boto3's sagemaker-runtime invoke_endpoint_async against a local asynchronous knn endpoint, for knn's tests.

  runtime_async_client.py URL ENDPOINT INPUT_LOCATION [--content-type T] [--accept A] [--inference-id ID]

Prints one JSON object: {"ok": true, "inference_id", "output_location", "failure_location"} or, when botocore
raises, {"ok": false, "exception": class name, "code", "message", "status"}.
"""
import argparse
import json

import boto3
import botocore
from botocore.config import Config

parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("endpoint")
parser.add_argument("input_location")
parser.add_argument("--content-type")
parser.add_argument("--accept")
parser.add_argument("--inference-id")
args = parser.parse_args()

config = Config(retries={"max_attempts": 1, "mode": "standard"})
client = boto3.client("sagemaker-runtime", endpoint_url=args.url, region_name="us-east-1",
                      aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", config=config)
request = {"EndpointName": args.endpoint, "InputLocation": args.input_location}
for key, value in (("ContentType", args.content_type), ("Accept", args.accept), ("InferenceId", args.inference_id)):
    if value is not None:
        request[key] = value
try:
    response = client.invoke_endpoint_async(**request)
    print(json.dumps({
        "ok": True,
        "status": response["ResponseMetadata"]["HTTPStatusCode"],
        "inference_id": response.get("InferenceId"),
        "output_location": response.get("OutputLocation"),
        "failure_location": response.get("FailureLocation"),
    }))
except botocore.exceptions.ClientError as e:
    error = e.response.get("Error", {})
    print(json.dumps({
        "ok": False,
        "exception": type(e).__name__,
        "code": error.get("Code"),
        "message": error.get("Message"),
        "status": e.response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
    }))
