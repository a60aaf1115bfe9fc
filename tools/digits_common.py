"""Shared by tools/train_digits_cnn.py: loading data/digits/, the 8x8 -> 32x32 upscale, ONNX graph building.

Not a script; see tools/train_digits_cnn.py.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "digits"
MODELS = ROOT / "models"

SIZE = 32  # model input height and width
OPSET = 17
IR_VERSION = 8  # the IR version that goes with opset 17; loads in every ONNX Runtime since 1.10


def load_digits_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(images uint8 [1797, 8, 8], labels uint8 [1797], train indices, test indices) from data/digits/."""
    pixels = np.frombuffer((DATA / "digits.bin").read_bytes(), dtype=np.uint8).reshape(-1, 8, 8)
    labels = np.frombuffer((DATA / "labels.bin").read_bytes(), dtype=np.uint8)
    split = json.loads((DATA / "split.json").read_text())
    assert pixels.shape[0] == labels.shape[0] == 1797
    return pixels, labels, np.array(split["train"], dtype=np.int64), np.array(split["test"], dtype=np.int64)


# ---------------------------------------------------------------------------------------------------------------
# The upscale the models are trained and measured on: Pillow's bilinear resize of the 8-bit grey image.
# pil_bilinear_reference() re-implements it (Pillow's Resample.c for 8-bit images: separable triangle filter,
# horizontal pass then vertical, 22-bit fixed-point coefficients, rounding to uint8 after each pass), so that other
# languages can reproduce it bit for bit; test/tools/shippedModels.test.ts does the same in TypeScript.
# ---------------------------------------------------------------------------------------------------------------

PRECISION_BITS = 32 - 8 - 2


def _coefficients(in_size: int, out_size: int) -> list[tuple[int, list[int]]]:
    scale = in_size / out_size
    filterscale = max(scale, 1.0)
    support = 1.0 * filterscale
    result = []
    for xx in range(out_size):
        center = (xx + 0.5) * scale
        xmin = max(int(center - support + 0.5), 0)
        xmax = min(int(center + support + 0.5), in_size) - xmin
        ws = [max(0.0, 1.0 - abs((x + xmin - center + 0.5) / filterscale)) for x in range(xmax)]
        total = sum(ws)
        ws = [w / total if total != 0 else w for w in ws]
        fixed = [int(w * (1 << PRECISION_BITS) + (0.5 if w >= 0 else -0.5)) for w in ws]
        result.append((xmin, fixed))
    return result


def _clip8(v: int) -> int:
    v >>= PRECISION_BITS
    return 0 if v < 0 else 255 if v > 255 else v


def pil_bilinear_reference(image: np.ndarray, out_h: int = SIZE, out_w: int = SIZE) -> np.ndarray:
    """Pillow's 8-bit bilinear resize, in plain Python (slow; for checking only)."""
    in_h, in_w = image.shape
    horizontal = _coefficients(in_w, out_w)
    vertical = _coefficients(in_h, out_h)
    half = 1 << (PRECISION_BITS - 1)
    temp = np.zeros((in_h, out_w), dtype=np.uint8)
    for y in range(in_h):
        for xx, (xmin, k) in enumerate(horizontal):
            temp[y, xx] = _clip8(half + sum(int(image[y, xmin + i]) * k[i] for i in range(len(k))))
    out = np.zeros((out_h, out_w), dtype=np.uint8)
    for yy, (ymin, k) in enumerate(vertical):
        for x in range(out_w):
            out[yy, x] = _clip8(half + sum(int(temp[ymin + i, x]) * k[i] for i in range(len(k))))
    return out


def upscale(image: np.ndarray, resample: int = Image.BILINEAR) -> np.ndarray:
    """One 8x8 uint8 image -> 32x32 uint8 with Pillow."""
    return np.asarray(Image.fromarray(image, mode="L").resize((SIZE, SIZE), resample), dtype=np.uint8)


def upscale_all(images: np.ndarray, resample: int = Image.BILINEAR) -> np.ndarray:
    return np.stack([upscale(im, resample) for im in images])


def to_input(grey32: np.ndarray) -> np.ndarray:
    """uint8 [N, 32, 32] -> float32 [N, 3, 32, 32]: grey replicated into R, G, B, divided by 255."""
    x = grey32.astype(np.float32) / np.float32(255.0)
    return np.repeat(x[:, None, :, :], 3, axis=1)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------------------------------
# ONNX graph of the digits CNN, from numpy weights (batch norm already folded into the convolutions).
# ---------------------------------------------------------------------------------------------------------------


def digits_cnn_onnx(weights: dict[str, np.ndarray], classes: int, name: str, doc: str) -> onnx.ModelProto:
    """image [N,3,32,32] -> conv 3->16 -> relu -> maxpool -> conv 16->32 -> relu -> maxpool -> conv 32->64 -> relu
    -> global average pool -> features [N,64] -> Gemm -> logits [N,classes]. Outputs: logits, features."""
    inits = [numpy_helper.from_array(np.ascontiguousarray(v.astype(np.float32)), k) for k, v in weights.items()]
    conv = dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1])
    pool = dict(kernel_shape=[2, 2], strides=[2, 2])
    nodes = [
        helper.make_node("Conv", ["image", "conv1.weight", "conv1.bias"], ["conv1"], name="conv1", **conv),
        helper.make_node("Relu", ["conv1"], ["relu1"], name="relu1"),
        helper.make_node("MaxPool", ["relu1"], ["pool1"], name="pool1", **pool),
        helper.make_node("Conv", ["pool1", "conv2.weight", "conv2.bias"], ["conv2"], name="conv2", **conv),
        helper.make_node("Relu", ["conv2"], ["relu2"], name="relu2"),
        helper.make_node("MaxPool", ["relu2"], ["pool2"], name="pool2", **pool),
        helper.make_node("Conv", ["pool2", "conv3.weight", "conv3.bias"], ["conv3"], name="conv3", **conv),
        helper.make_node("Relu", ["conv3"], ["relu3"], name="relu3"),
        helper.make_node("GlobalAveragePool", ["relu3"], ["gap"], name="gap"),
        helper.make_node("Flatten", ["gap"], ["features"], name="features", axis=1),
        helper.make_node("Gemm", ["features", "fc.weight", "fc.bias"], ["logits"], name="fc", transB=1),
    ]
    graph = helper.make_graph(
        nodes,
        name,
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, SIZE, SIZE])],
        [
            helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", classes]),
            helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 64]),
        ],
        initializer=inits,
    )
    return finish_model(graph, doc)


def finish_model(graph: onnx.GraphProto, doc: str) -> onnx.ModelProto:
    model = helper.make_model(
        graph,
        producer_name="deepframe-tools",
        producer_version="1",
        opset_imports=[helper.make_opsetid("", OPSET)],
        doc_string=doc,
    )
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    return model


def save_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
