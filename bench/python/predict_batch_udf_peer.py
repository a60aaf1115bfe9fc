"""The peer of `npm run bench -- spark`: pyspark's own batched inference, `pyspark.ml.functions.predict_batch_udf`,
with Python ONNX Runtime, on the same Spark, model and JPEG files as deepframe.

Usage: python predict_batch_udf_peer.py <sc://url> <model.onnx> <preprocess.json> <image dir> <batch size>
Prints one JSON line: {"images": n, "seconds": s}.
"""
import json
import sys
import time

from pyspark.ml.functions import predict_batch_udf
from pyspark.sql import SparkSession
from pyspark.sql.types import ArrayType, FloatType

url, model, preprocess_json, image_dir, batch_size = sys.argv[1:6]
pre = json.loads(preprocess_json)


def make_predict_fn():
    import io

    import numpy as np
    import onnxruntime as ort
    from PIL import Image

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    mean = np.array(pre["mean"], dtype=np.float32).reshape(3, 1, 1)
    std = np.array(pre["std"], dtype=np.float32).reshape(3, 1, 1)
    height, width = pre["height"], pre["width"]
    shorter = round(max(height, width) / pre.get("cropFraction", 1.0))

    def preprocess(content):
        image = Image.open(io.BytesIO(content)).convert("RGB")
        w, h = image.size
        scale = shorter / min(w, h)
        image = image.resize((max(width, round(w * scale)), max(height, round(h * scale))), Image.BILINEAR)
        w, h = image.size
        left, top = (w - width) // 2, (h - height) // 2
        image = image.crop((left, top, left + width, top + height))
        x = np.asarray(image, dtype=np.float32).transpose(2, 0, 1) * pre["scale"]
        return (x - mean) / std

    def predict(contents):
        batch = np.stack([preprocess(c) for c in contents]).astype(np.float32)
        return session.run(["logits"], {"image": batch})[0]

    return predict


spark = SparkSession.builder.remote(url).getOrCreate()
spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", batch_size)
classify = predict_batch_udf(make_predict_fn, return_type=ArrayType(FloatType()), batch_size=int(batch_size))
files = spark.read.format("binaryFile").option("pathGlobFilter", "*.jpg").option("recursiveFileLookup", "true").load(image_dir)
query = files.select(classify("content").alias("scores"))
query.limit(8).toArrow()  # warm-up: Python workers, model sessions
start = time.time()
rows = query.toArrow().num_rows
print(json.dumps({"images": rows, "seconds": time.time() - start}))
spark.stop()
