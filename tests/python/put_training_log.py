"""Writes a training job's container log into CloudWatch Logs (moto server) as SageMaker would, with boto3.

  put_training_log.py URL ACCESS_KEY SECRET_KEY REGION STREAM LINE...

The lines go to /aws/sagemaker/TrainingJobs/STREAM, one millisecond apart from now (CloudWatch drops events
older than 14 days).
"""
import sys
import time

import boto3

url, access_key, secret_key, region, stream = sys.argv[1:6]
first = int(time.time() * 1000)
logs = boto3.client("logs", endpoint_url=url, region_name=region, aws_access_key_id=access_key, aws_secret_access_key=secret_key)
group = "/aws/sagemaker/TrainingJobs"
try:
    logs.create_log_group(logGroupName=group)
except logs.exceptions.ResourceAlreadyExistsException:
    pass
logs.create_log_stream(logGroupName=group, logStreamName=stream)
events = [{"timestamp": first + i, "message": line} for i, line in enumerate(sys.argv[6:])]
rejected = logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events).get("rejectedLogEventsInfo")
if rejected:
    sys.exit(f"CloudWatch Logs rejected events: {rejected}")
