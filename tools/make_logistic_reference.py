"""Writes test/ml/classification/fixtures/logistic-mllib.json: a small seeded data set and the coefficients,
intercepts and objective histories that Spark MLlib's LogisticRegression fits on it, for the tests to compare with.

Run with the pyspark environment the Spark tests install (Java 17 on the PATH):
    ~/.cache/deepframe/spark/pyspark-4.3.0/bin/python tools/make_logistic_reference.py
"""
import json
import os

import numpy as np
from pyspark.ml.classification import LogisticRegression
from pyspark.ml.linalg import Vectors
from pyspark.sql import SparkSession

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "ml", "classification", "fixtures", "logistic-mllib.json")

# Each case: the estimator's params (label column "label" is binary, "label3" has three classes).
CASES = {
    "binomial": {},
    "binomial_l2": {"regParam": 0.1},
    "binomial_l1": {"regParam": 0.05, "elasticNetParam": 1.0},
    "binomial_elastic_unstandardized": {"regParam": 0.05, "elasticNetParam": 0.5, "standardization": False},
    "binomial_weighted": {"weightCol": "weight", "regParam": 0.01},
    "binomial_no_intercept": {"fitIntercept": False},
    "multinomial": {"labelCol": "label3"},
    "multinomial_l2": {"labelCol": "label3", "regParam": 0.1},
    "multinomial_l1": {"labelCol": "label3", "regParam": 0.05, "elasticNetParam": 1.0},
}


def data():
    rng = np.random.default_rng(3)
    n, f = 400, 5
    x = rng.normal(size=(n, f)) * np.array([1, 2, 0.5, 3, 1]) + np.array([0, 1, -1, 0, 2])
    x[:, 4] = 1.5  # a constant feature: its coefficient must be 0
    x = x.astype(np.float32).astype(np.float64)  # deepframe's vectors are float32: fit on the same values
    p = 1 / (1 + np.exp(-(x @ np.array([1.0, -0.5, 2.0, 0.3, 0.0]) - 0.2)))
    label = (rng.random(n) < p).astype(float)
    label3 = np.argmax(x[:, :3] + rng.normal(size=(n, 3)), axis=1).astype(float)
    weight = rng.random(n) * 2
    return x, label, label3, weight


def main():
    x, label, label3, weight = data()
    spark = SparkSession.builder.master("local[1]").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.createDataFrame(
        [(Vectors.dense(r), float(a), float(b), float(w)) for r, a, b, w in zip(x, label, label3, weight)],
        ["features", "label", "label3", "weight"],
    )
    fits = {}
    for name, params in CASES.items():
        model = LogisticRegression(**params).fit(df)
        fits[name] = {
            "params": params,
            "coefficientMatrix": model.coefficientMatrix.toArray().tolist(),
            "interceptVector": model.interceptVector.toArray().tolist(),
            "objectiveHistory": model.summary.objectiveHistory,
        }
    out = {
        "about": "Spark MLlib LogisticRegression fits (pyspark %s) on a seeded data set; see tools/make_logistic_reference.py" % spark.version,
        "features": x.tolist(),
        "label": label.tolist(),
        "label3": label3.tolist(),
        "weight": weight.tolist(),
        "fits": fits,
    }
    with open(OUT, "w") as f:
        json.dump(out, f)
    spark.stop()


if __name__ == "__main__":
    main()
