"""boto3's SageMaker client against moto, for knn's tests (python3 on PATH has boto3): the tuning jobs that exist.

  sagemaker_tuning_jobs.py URL

Prints a JSON list of every hyperparameter tuning job's name.
"""
import json
import sys

import boto3

client = boto3.client("sagemaker", endpoint_url=sys.argv[1], region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing-secret-key")
names = []
for page in client.get_paginator("list_hyper_parameter_tuning_jobs").paginate():
    names += [job["HyperParameterTuningJobName"] for job in page["HyperParameterTuningJobSummaries"]]
print(json.dumps(names))
