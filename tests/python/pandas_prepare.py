"""The reference notebook's preprocessing, as pandas and scikit-learn do it (pipeline_bench.sh's pandas_prepare).

Usage: pandas_prepare.py INPUT.csv LABEL TRAIN_OUT TEST_OUT
"""
import sys

import pandas as pd
from sklearn.model_selection import train_test_split

source, label, train_out, test_out = sys.argv[1:5]
df = pd.read_csv(source)
df = df[[label] + [c for c in df.columns if c != label]]
df[label] = df[label].map({k: i for i, k in enumerate(sorted(df[label].unique()))})
train, test = train_test_split(df, shuffle=True, random_state=0)
train.to_csv(train_out, header=False, index=False)
test.to_csv(test_out, header=False, index=False)
