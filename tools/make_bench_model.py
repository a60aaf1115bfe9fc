#!/usr/bin/env python3
"""Writes models/bench-convnet.onnx: an untrained, compute-heavy image CNN for deepframe's inference benchmarks.

    /tmp/deepframe-tools/bin/python tools/make_bench_model.py      # from the repository root, a few seconds

Requirements (tools/requirements.txt): numpy, onnx; onnxruntime to check the result. No training, no torch.

The network takes ImageNet-sized images and costs about as much per image as a small production CNN, with few
parameters so that the file stays small (under 1 MB):

    image [N,3,224,224] -> conv 3x3 3->32 stride 2 (112x112) -> 2 x conv 3x3 32->32 (112x112)
      -> conv 3x3 32->64 stride 2 (56x56) -> 3 x conv 3x3 64->64 (56x56)      every conv followed by ReLU
      -> global average pool -> features [N,64] -> Gemm 64->1000 -> logits [N,1000]

Weights: He-normal (std sqrt(2 / fan_in)) from numpy's default_rng(seed 0). Each convolution then gets the batch
norm it would have had, folded into its weights and bias: per output channel, scaled and shifted so that its
pre-activations over a fixed calibration batch (8 seeded synthetic images, smooth random colour fields plus noise,
normalized like ImageNet inputs) have mean 0 and standard deviation 1. That keeps activations in a realistic range
at every depth, so the benchmark measures ordinary float arithmetic (no denormals, no overflow). The logits mean
nothing.

The FLOP count in models/bench-convnet.json is computed from the written graph (ONNX shape inference, then per node):
a convolution costs H_out * W_out * C_out * (C_in / groups) * kH * kW multiply-adds, Gemm M * K * N; FLOPs = 2 *
multiply-adds (the usual convention); bias additions, ReLU and pooling are listed separately ("otherOps").
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper, shape_inference

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "models"
NAME = "bench-convnet"
SEED = 0
SIZE = 224
CLASSES = 1000
OPSET = 17
IR_VERSION = 8
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)

# (name, in channels, out channels, stride)
CONVS = [
    ("stem", 3, 32, 2),
    ("conv1", 32, 32, 1),
    ("conv2", 32, 32, 1),
    ("down", 32, 64, 2),
    ("conv3", 64, 64, 1),
    ("conv4", 64, 64, 1),
    ("conv5", 64, 64, 1),
]


def conv3x3(x: np.ndarray, w: np.ndarray, stride: int) -> np.ndarray:
    """NCHW 3x3 convolution, padding 1, in float64 (for calibration only)."""
    n, c, h, wd = x.shape
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("nchwij,ocij->nohw", windows, w, optimize=True)


def calibration_images(rng: np.random.Generator, count: int = 8) -> np.ndarray:
    """Smooth random colour fields plus pixel noise, 0..255, normalized like ImageNet inputs: [count,3,224,224]."""
    coarse = rng.uniform(0, 255, size=(count, 3, 7, 7))
    smooth = np.repeat(np.repeat(coarse, 32, axis=2), 32, axis=3)
    kernel = np.ones(15) / 15
    for axis in (2, 3):
        smooth = np.apply_along_axis(lambda v: np.convolve(v, kernel, mode="same"), axis, smooth)
    pixels = np.clip(smooth + rng.normal(0, 20, size=smooth.shape), 0, 255)
    return (pixels / 255.0 - MEAN[None, :, None, None]) / STD[None, :, None, None]


def build(rng: np.random.Generator) -> onnx.ModelProto:
    x = calibration_images(rng)
    inits: list[onnx.TensorProto] = []
    nodes: list[onnx.NodeProto] = []
    current = "image"
    for name, cin, cout, stride in CONVS:
        w = rng.normal(0.0, np.sqrt(2.0 / (cin * 9)), size=(cout, cin, 3, 3))
        pre = conv3x3(x, w, stride)
        mean, std = pre.mean(axis=(0, 2, 3)), pre.std(axis=(0, 2, 3))
        scale = 1.0 / (std + 1e-5)
        w_folded = w * scale[:, None, None, None]
        b_folded = -mean * scale
        x = np.maximum(conv3x3(x, w_folded, stride) + b_folded[None, :, None, None], 0.0)
        inits.append(numpy_helper.from_array(w_folded.astype(np.float32), f"{name}.weight"))
        inits.append(numpy_helper.from_array(b_folded.astype(np.float32), f"{name}.bias"))
        nodes.append(
            helper.make_node(
                "Conv",
                [current, f"{name}.weight", f"{name}.bias"],
                [name],
                name=name,
                kernel_shape=[3, 3],
                pads=[1, 1, 1, 1],
                strides=[stride, stride],
            )
        )
        nodes.append(helper.make_node("Relu", [name], [f"{name}.relu"], name=f"{name}.relu"))
        current = f"{name}.relu"
    nodes.append(helper.make_node("GlobalAveragePool", [current], ["gap"], name="gap"))
    nodes.append(helper.make_node("Flatten", ["gap"], ["features"], name="features", axis=1))
    fc_w = rng.normal(0.0, np.sqrt(2.0 / 64), size=(CLASSES, 64))
    fc_b = np.zeros(CLASSES)
    inits.append(numpy_helper.from_array(fc_w.astype(np.float32), "fc.weight"))
    inits.append(numpy_helper.from_array(fc_b.astype(np.float32), "fc.bias"))
    nodes.append(helper.make_node("Gemm", ["features", "fc.weight", "fc.bias"], ["logits"], name="fc", transB=1))
    graph = helper.make_graph(
        nodes,
        NAME,
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, SIZE, SIZE])],
        [
            helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", CLASSES]),
            helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 64]),
        ],
        initializer=inits,
    )
    model = helper.make_model(
        graph,
        producer_name="deepframe-tools",
        producer_version="1",
        opset_imports=[helper.make_opsetid("", OPSET)],
        doc_string="Untrained (seeded He-init, batch norm folded) CNN for inference benchmarks; see tools/make_bench_model.py.",
    )
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    return model


def count(model: onnx.ModelProto) -> dict[str, object]:
    """Per-image cost from the graph itself (batch fixed to 1 for shape inference)."""
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    probe.graph.input[0].type.tensor_type.shape.dim[0].dim_value = 1
    inferred = shape_inference.infer_shapes(probe, strict_mode=True)
    shapes: dict[str, list[int]] = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    weights = {t.name: list(t.dims) for t in model.graph.initializer}
    layers = []
    macs = 0
    other = 0
    for node in model.graph.node:
        out = shapes[node.output[0]]
        inp = shapes.get(node.input[0]) or weights[node.input[0]]
        if node.op_type == "Conv":
            cout, cin_g, kh, kw = weights[node.input[1]]
            n_macs = int(np.prod(out)) * cin_g * kh * kw
            bias = int(np.prod(out))
            macs += n_macs
            other += bias
            layers.append({"node": node.name, "op": "Conv", "input": inp, "output": out, "macs": n_macs})
        elif node.op_type == "Gemm":
            k = inp[1]
            n_macs = int(np.prod(out)) * k
            macs += n_macs
            other += int(np.prod(out))
            layers.append({"node": node.name, "op": "Gemm", "input": inp, "output": out, "macs": n_macs})
        elif node.op_type in ("Relu", "GlobalAveragePool"):
            other += int(np.prod(inp))
    params = int(sum(np.prod(d) for d in weights.values()))
    return {"macs": macs, "flops": 2 * macs, "otherOps": other, "parameters": params, "layers": layers}


def main() -> None:
    started = time.perf_counter()
    rng = np.random.default_rng(SEED)
    model = build(rng)
    data = model.SerializeToString()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{NAME}.onnx").write_bytes(data)
    cost = count(model)

    check: dict[str, object] = {}
    try:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
        x = calibration_images(np.random.default_rng(SEED + 1), 2).astype(np.float32)
        t0 = time.perf_counter()
        logits, features = session.run(["logits", "features"], {"image": x})
        t1 = time.perf_counter()
        assert logits.shape == (2, CLASSES) and features.shape == (2, 64)
        assert np.isfinite(logits).all() and np.isfinite(features).all()
        check = {
            "onnxruntime": ort.__version__,
            "logitsShape": list(logits.shape),
            "featuresMean": round(float(features.mean()), 4),
            "logitsStd": round(float(logits.std()), 4),
            "secondsPerImageOneThread": round((t1 - t0) / 2, 4),
        }
    except ImportError:
        pass

    description = {
        "name": NAME,
        "description": "Untrained compute-heavy CNN for inference benchmarks (seeded He-init weights, batch norm folded). Its predictions mean nothing.",
        "file": f"{NAME}.onnx",
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "format": {"opset": OPSET, "irVersion": IR_VERSION, "producer": "tools/make_bench_model.py"},
        "input": {"name": "image", "shape": ["N", 3, SIZE, SIZE], "dtype": "float32", "layout": "NCHW", "channelOrder": "RGB"},
        "preprocess": {
            "height": SIZE,
            "width": SIZE,
            "channels": 3,
            "channelOrder": "RGB",
            "layout": "NCHW",
            "resize": "cover",
            "cropFraction": 0.875,
            "scale": 1 / 255,
            "mean": [float(v) for v in MEAN.astype(np.float64).round(3)],
            "std": [float(v) for v in STD.astype(np.float64).round(3)],
        },
        "outputs": {
            "logits": {"name": "logits", "shape": ["N", CLASSES], "dtype": "float32"},
            "features": {"name": "features", "shape": ["N", 64], "dtype": "float32", "meaning": "global-average-pooled ReLU activations of the last convolution, a graph output"},
        },
        "featureTensor": "features",
        "outputIsProbabilities": False,
        "architecture": "conv3x3 s2 3->32, 2x conv3x3 32->32 @112x112, conv3x3 s2 32->64, 3x conv3x3 64->64 @56x56, each + ReLU; global average pool -> features[64]; Gemm 64->1000 -> logits",
        "parameters": cost["parameters"],
        "perImage": {
            "macs": cost["macs"],
            "flops": cost["flops"],
            "gflops": round(cost["flops"] / 1e9, 4),
            "flopsConvention": "2 x multiply-adds of Conv and Gemm; bias additions, ReLU and pooling excluded (see otherOps)",
            "otherOps": cost["otherOps"],
        },
        "layers": cost["layers"],
        "generator": {"script": "tools/make_bench_model.py", "seed": SEED, "numpy": np.__version__, "onnx": onnx.__version__},
        "check": check,
    }
    (OUT / f"{NAME}.json").write_text(json.dumps(description, indent=2) + "\n")
    print(
        f"models/{NAME}.onnx  {len(data)} bytes, {cost['parameters']} parameters, "
        f"{cost['macs']} MACs = {cost['flops'] / 1e9:.3f} GFLOP per image; check {check}; "
        f"{time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
