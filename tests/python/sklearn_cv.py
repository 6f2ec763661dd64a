"""scikit-learn's k-fold cross-validation, the reference for `knn tune` (Debian's python3-sklearn).

usage: sklearn_cv.py folds CSV FOLDS SEED kfold|stratified
         prints {"folds": [{"train": [...], "test": [...]}, ...]} for a label-first, header-less CSV
       sklearn_cv.py scores CSV FOLDS SEED kfold|stratified classifier|regressor K [K ...]
         prints {"K": {"accuracy": [...], "macro_f1": [...]} or {"mse": [...]}} per fold
"""
import json
import sys

import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

mode, path, folds, seed, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
data = np.loadtxt(path, delimiter=",", dtype=np.float32, ndmin=2)
y, X = data[:, 0], data[:, 1:]
splitter = (StratifiedKFold if kind == "stratified" else KFold)(n_splits=folds, shuffle=True, random_state=seed)

if mode == "folds":
    print(json.dumps({"folds": [{"train": tr.tolist(), "test": te.tolist()} for tr, te in splitter.split(X, y)]}))
else:
    predictor, ks = sys.argv[6], [int(k) for k in sys.argv[7:]]
    out = {}
    for k in ks:
        if predictor == "regressor":
            r = cross_validate(KNeighborsRegressor(n_neighbors=k, algorithm="brute"), X, y, cv=splitter, scoring="neg_mean_squared_error")
            out[str(k)] = {"mse": (-r["test_score"]).tolist()}
        else:
            r = cross_validate(KNeighborsClassifier(n_neighbors=k, algorithm="brute"), X, y, cv=splitter, scoring=["accuracy", "f1_macro"])
            out[str(k)] = {"accuracy": r["test_accuracy"].tolist(), "macro_f1": r["test_f1_macro"].tolist()}
    print(json.dumps(out))
