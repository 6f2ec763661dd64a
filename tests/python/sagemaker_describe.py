"""boto3's SageMaker client against moto, for knn's tests (python3 on PATH has boto3): an independent view of what knn created.

  sagemaker_describe.py URL TRAINING_JOB ENDPOINT_CONFIG

Prints one JSON object: {"training": {"instance_type", "instance_count", "hyperparameters"},
"endpoint_config": {"instance_type", "instance_count"}} (the first production variant).
"""
import json
import sys

import boto3

url, job, config = sys.argv[1:4]
client = boto3.client("sagemaker", endpoint_url=url, region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing-secret-key")
training = client.describe_training_job(TrainingJobName=job)
variant = client.describe_endpoint_config(EndpointConfigName=config)["ProductionVariants"][0]
print(json.dumps({
    "training": {
        "instance_type": training["ResourceConfig"]["InstanceType"],
        "instance_count": training["ResourceConfig"]["InstanceCount"],
        "hyperparameters": training["HyperParameters"],
    },
    "endpoint_config": {"instance_type": variant["InstanceType"], "instance_count": variant["InitialInstanceCount"]},
}))
