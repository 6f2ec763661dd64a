"""The comparison peer: a Python Flask + scikit-learn inference server, as a typical SageMaker
bring-your-own container writes one (cf. the scikit_bring_your_own sample: Flask app, /ping and
/invocations, CSV in). It fits scikit-learn's exact (brute-force) k-NN on the same train.csv the
knn server's model was built from, and answers {"predictions":[{"predicted_label":…}]}.

Run with Debian's Python (the one that sees python3-flask and python3-sklearn):
  TRAIN_CSV=train.csv K=5 /usr/bin/python3 flask_server.py PORT          # Flask's threaded server
  TRAIN_CSV=train.csv K=5 gunicorn -w 2 -b 127.0.0.1:PORT flask_server:app  # gunicorn, 2 sync workers
"""
import io
import os
import sys

import flask
import numpy as np
from sklearn.neighbors import KNeighborsClassifier


def fit_model():
    data = np.loadtxt(os.environ["TRAIN_CSV"], delimiter=",", dtype=np.float32, ndmin=2)
    model = KNeighborsClassifier(n_neighbors=int(os.environ.get("K", "5")), algorithm="brute")
    model.fit(data[:, 1:], data[:, 0])
    return model


app = flask.Flask(__name__)
model = fit_model()


@app.route("/ping", methods=["GET"])
def ping():
    return flask.Response(response="\n", status=200, mimetype="application/json")


@app.route("/invocations", methods=["POST"])
def invocations():
    if flask.request.content_type is None or not flask.request.content_type.startswith("text/csv"):
        return flask.Response(response="This predictor only supports CSV data", status=415, mimetype="text/plain")
    try:
        rows = np.loadtxt(io.StringIO(flask.request.data.decode("utf-8")), delimiter=",", dtype=np.float32, ndmin=2)
    except ValueError as error:
        return flask.Response(response=str(error), status=400, mimetype="text/plain")
    predictions = model.predict(rows)
    return flask.jsonify({"predictions": [{"predicted_label": float(label)} for label in predictions]})


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]), threaded=True)
