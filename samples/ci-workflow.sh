#!/usr/bin/env bash
# The reference notebook as a CI job would run it: one verb per step, chained by .knn/state.json.
# Local target by default; set KNN_TARGET=sagemaker (plus AWS credentials, KNN_ROLE and a region) for SageMaker.
# --yes: a CI job has no terminal, so knn refuses to start SageMaker instances unless told to (the local target ignores it).
set -euo pipefail
knn() { dotnet run --project "$(dirname "$0")/../src/KnnCli" -- "$@"; }

knn prepare                                   # bundled Iris sample: 112 train rows, 38 test rows
knn upload                                    # s3://<bucket>/knn/input/iris_{train,test}.csv
knn train --k 1 --sample-size 1000 --predictor-type classifier --yes
knn deploy --yes                              # local: knn serve on 127.0.0.1; sagemaker: a real endpoint
trap 'knn cleanup' EXIT                       # never leave an endpoint running
knn predict                                   # validation table, confusion matrix, accuracy, macro F1
knn predict --rows "5.1,3.5,1.4,0.2" --neighbors
knn status
