#!/usr/bin/env python3
"""Trains the small digits CNNs that deepframe ships and exports them to ONNX.

    models/digits-cnn.onnx               all ten digits (0-9)
    models/digits-backbone-0to4.onnx     the same network trained on digits 0-4 only: a featurizer for transfer
                                         learning on the disjoint digits 5-9

each with a description (models/<name>.json) and a label list (models/<name>.labels.json).

How to run (from the repository root; about one minute on one CPU core, 25 s per model):

    python3.11 -m venv /tmp/deepframe-tools
    /tmp/deepframe-tools/bin/pip install -r tools/requirements.txt
    /tmp/deepframe-tools/bin/python tools/make_digits_data.py      # data/digits/ (already committed)
    /tmp/deepframe-tools/bin/python tools/train_digits_cnn.py

Requirements: tools/requirements.txt (numpy, pillow, torch, onnx, onnxruntime, scikit-learn), Python 3.11.

Data: data/digits/ (scikit-learn's 8x8 digits, 1,797 images) and its fixed 80/20 stratified split
(data/digits/split.json, 1,437 train / 360 test). Only the train split is trained on; accuracies are on the test split.

What the network sees: the 8x8 digit upscaled to 32x32 with Pillow's bilinear filter (8-bit), grey replicated into
R, G and B, divided by 255 (no mean or standard deviation): float32 [N, 3, 32, 32], NCHW. Training augments each
image so that the model also reads digits that were upscaled differently (sharp's default Lanczos-3 or its bilinear
kernel, which places pixel centres half a pixel differently; blocky nearest-neighbour renderings), shifted, or stored
as JPEG: every epoch each image is upscaled with a random filter (bilinear 40%, bicubic 20%, Lanczos 25%, nearest
15%) from a randomly shifted (up to +-0.5 source pixels =
+-2 output pixels) and slightly scaled source box, and 30% of them go through JPEG at quality 60-95.

Network: conv 3x3 3->16, BN, ReLU, max-pool 2 -> conv 3x3 16->32, BN, ReLU, max-pool 2 -> conv 3x3 32->64, BN,
ReLU -> global average pool -> 64-d features -> linear 64->classes. Adam (lr 3e-3, cosine decay, weight decay 1e-4),
batch 64, 40 epochs, cross-entropy with label smoothing 0.05. Batch norm is folded into the convolutions for export.

Export: the ONNX graph is written directly with the onnx package (opset 17, IR version 8, dynamic batch axis "N"):
input "image" [N,3,32,32]; outputs "logits" [N,classes] and "features" [N,64] (the pooled features, a graph output
so that featurizers can fetch it by name). The exported model is checked against the PyTorch network in ONNX Runtime.

Determinism: every random draw comes from seeded generators (numpy, torch), PyTorch runs on one thread with
deterministic algorithms; a re-run on the same machine writes the same .onnx files (the .json files also record
the training time). Other CPUs may differ in the last bits of the weights (vectorized kernels), not in accuracy.
"""

from __future__ import annotations

import io
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from PIL import Image  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from torch import nn  # noqa: E402

sys.dont_write_bytecode = True  # no tools/__pycache__ in the working tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digits_common import (  # noqa: E402
    MODELS,
    OPSET,
    SIZE,
    digits_cnn_onnx,
    load_digits_data,
    save_json,
    sha256_bytes,
    to_input,
    upscale,
    upscale_all,
)

SEED = 0
EPOCHS = 40
BATCH = 64
LR = 3e-3
WEIGHT_DECAY = 1e-4
LABEL_SMOOTHING = 0.05
JPEG_FRACTION = 0.3
FILTERS = [(Image.BILINEAR, 0.4), (Image.BICUBIC, 0.2), (Image.LANCZOS, 0.25), (Image.NEAREST, 0.15)]
PAD = 2  # zero border added around the 8x8 source so that shifted boxes stay inside the image


class DigitsCNN(nn.Module):
    def __init__(self, classes: int) -> None:
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16)
        self.conv2, self.bn2 = nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32)
        self.conv3, self.bn3 = nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64)
        self.fc = nn.Linear(64, classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = F.relu(self.bn3(self.conv3(x)))
        return x.mean(dim=(2, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.features(x))

    def folded(self) -> dict[str, np.ndarray]:
        """Weights with each batch norm folded into its convolution (eval-mode statistics)."""
        out: dict[str, np.ndarray] = {}
        for i in (1, 2, 3):
            conv: nn.Conv2d = getattr(self, f"conv{i}")
            bn: nn.BatchNorm2d = getattr(self, f"bn{i}")
            w = conv.weight.detach().double().numpy()
            gamma, beta = bn.weight.detach().double().numpy(), bn.bias.detach().double().numpy()
            mean, var = bn.running_mean.double().numpy(), bn.running_var.double().numpy()
            s = gamma / np.sqrt(var + bn.eps)
            out[f"conv{i}.weight"] = (w * s[:, None, None, None]).astype(np.float32)
            out[f"conv{i}.bias"] = (beta - mean * s).astype(np.float32)
        out["fc.weight"] = self.fc.weight.detach().numpy().astype(np.float32)
        out["fc.bias"] = self.fc.bias.detach().numpy().astype(np.float32)
        return out


def augment(images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A fresh augmented 32x32 upscale of each 8x8 image (see the module docstring)."""
    out = np.empty((len(images), SIZE, SIZE), dtype=np.uint8)
    filters = [f for f, _ in FILTERS]
    weights = np.array([p for _, p in FILTERS])
    for i, image in enumerate(images):
        padded = Image.fromarray(np.pad(image, PAD), mode="L")
        size = 8.0 * rng.uniform(0.92, 1.08)
        cx, cy = PAD + 4.0 + rng.uniform(-0.5, 0.5, size=2)
        box = (cx - size / 2, cy - size / 2, cx + size / 2, cy + size / 2)
        resample = filters[rng.choice(len(filters), p=weights)]
        up = padded.resize((SIZE, SIZE), resample, box=box)
        if rng.random() < JPEG_FRACTION:
            buffer = io.BytesIO()
            up.save(buffer, format="JPEG", quality=int(rng.integers(60, 96)))
            up = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
        out[i] = np.asarray(up, dtype=np.uint8)
    return out


def train(images: np.ndarray, labels: np.ndarray, classes: int, seed: int) -> tuple[DigitsCNN, float]:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = DigitsCNN(classes)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
    steps_per_epoch = int(np.ceil(len(images) / BATCH))
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=EPOCHS * steps_per_epoch)
    y_all = torch.from_numpy(labels.astype(np.int64))
    started = time.perf_counter()
    for epoch in range(EPOCHS):
        model.train()
        x_all = torch.from_numpy(to_input(augment(images, rng)))
        order = torch.from_numpy(rng.permutation(len(images)))
        total, correct, loss_sum = 0, 0, 0.0
        for start in range(0, len(images), BATCH):
            idx = order[start : start + BATCH]
            x, y = x_all[idx], y_all[idx]
            logits = model(x)
            loss = F.cross_entropy(logits, y, label_smoothing=LABEL_SMOOTHING)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            loss_sum += loss.item() * len(idx)
            correct += int((logits.argmax(1) == y).sum())
            total += len(idx)
        if epoch % 5 == 4 or epoch == EPOCHS - 1:
            print(f"  epoch {epoch + 1:2d}  loss {loss_sum / total:.4f}  train acc (augmented) {correct / total:.4f}")
    model.eval()
    return model, time.perf_counter() - started


def run_onnx(model_bytes: bytes, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])
    logits, features = session.run(["logits", "features"], {"image": x})
    return logits, features


def accuracy(logits: np.ndarray, labels: np.ndarray) -> float:
    return float((logits.argmax(1) == labels).mean())


def robustness(model_bytes: bytes, images: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Accuracy on differently made 32x32 inputs (the same images)."""
    result: dict[str, float] = {}
    for name, resample in (("bicubic", Image.BICUBIC), ("lanczos", Image.LANCZOS), ("nearest", Image.NEAREST)):
        result[f"pillow-{name}"] = accuracy(run_onnx(model_bytes, to_input(upscale_all(images, resample)))[0], labels)
    for quality in (75, 90):
        ups = []
        for image in images:
            buffer = io.BytesIO()
            Image.fromarray(upscale(image), mode="L").convert("RGB").save(buffer, format="JPEG", quality=quality)
            ups.append(np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L")))
        result[f"pillow-bilinear-jpeg-q{quality}"] = accuracy(run_onnx(model_bytes, to_input(np.stack(ups)))[0], labels)
    return {k: round(v, 4) for k, v in result.items()}


def preprocessing() -> dict[str, object]:
    """In the shape of deepframe's ImagePreprocessSpec (src/image/preprocess.ts); the .json files are model cards
    as src/models/modelCard.ts reads them (preprocess, labels, featureTensor, outputIsProbabilities)."""
    return {
        "height": SIZE,
        "width": SIZE,
        "channels": 3,
        "channelOrder": "RGB",
        "layout": "NCHW",
        "resize": "fill",
        "scale": 1 / 255,
        "mean": [0.0, 0.0, 0.0],
        "std": [1.0, 1.0, 1.0],
    }


def export(
    name: str,
    model: DigitsCNN,
    class_names: list[str],
    description: str,
    test_images: np.ndarray,
    test_labels: np.ndarray,
    test_indices: np.ndarray,
    extra: dict[str, object],
    seconds: float,
) -> tuple[bytes, dict[str, object]]:
    classes = len(class_names)
    proto = digits_cnn_onnx(model.folded(), classes, name, description)
    data = proto.SerializeToString()
    grey = upscale_all(test_images)
    x = to_input(grey)
    logits, features = run_onnx(data, x)
    with torch.no_grad():
        reference = model(torch.from_numpy(x)).numpy()
    max_diff = float(np.abs(reference - logits).max())
    assert max_diff < 1e-3, f"ONNX and PyTorch disagree by {max_diff}"
    predictions = logits.argmax(1)
    acc = accuracy(logits, test_labels)
    (MODELS / f"{name}.onnx").write_bytes(data)
    save_json(MODELS / f"{name}.labels.json", class_names)
    params = int(sum(np.prod(t.dims) for t in proto.graph.initializer))
    description_json: dict[str, object] = {
        "name": name,
        "description": description,
        "file": f"{name}.onnx",
        "sha256": sha256_bytes(data),
        "bytes": len(data),
        "format": {"opset": OPSET, "irVersion": proto.ir_version, "producer": "tools/train_digits_cnn.py"},
        "input": {
            "name": "image",
            "shape": ["N", 3, SIZE, SIZE],
            "dtype": "float32",
            "layout": "NCHW",
            "channelOrder": "RGB",
            "valueRange": "pixel / 255 in [0, 1]; no mean, no standard deviation",
            "digitPolarity": "white (255) ink on a black (0) background, as in data/digits/digits.bin",
        },
        "preprocess": preprocessing(),
        "outputs": {
            "logits": {"name": "logits", "shape": ["N", classes], "dtype": "float32", "meaning": "unnormalized class scores; softmax gives probabilities"},
            "features": {"name": "features", "shape": ["N", 64], "dtype": "float32", "meaning": "global-average-pooled ReLU activations of the last convolution (penultimate layer), a graph output"},
        },
        "labels": class_names,
        "labelsFile": f"{name}.labels.json",
        "featureTensor": "features",
        "outputIsProbabilities": False,
        "parameters": params,
        "architecture": "conv3x3(3->16)+ReLU+maxpool2, conv3x3(16->32)+ReLU+maxpool2, conv3x3(32->64)+ReLU, global average pool -> features[64], Gemm(64->%d) -> logits; batch norm folded" % classes,
        "evaluation": {
            "data": "data/digits (scikit-learn's bundled 8x8 digits), test indices from data/digits/split.json",
            "imageTransform": "the 8x8 uint8 image (data/digits/digits.bin) resized to 32x32 by Pillow Image.resize((32, 32), Image.BILINEAR) in mode L (bit-exact re-implementation: tools/digits_common.py pil_bilinear_reference), grey replicated to RGB, / 255",
            "testImages": int(len(test_labels)),
            "testAccuracy": round(acc, 4),
            "testCorrect": int((predictions == test_labels).sum()),
            "misclassified": [
                {"index": int(i), "label": int(l), "prediction": int(p)}
                for i, l, p in zip(test_indices, test_labels, predictions)
                if l != p
            ],
            "upscaledTestImagesSha256": sha256_bytes(grey.tobytes()),
            "robustness": robustness(data, test_images, test_labels),
            "onnxVsPytorchMaxAbsDiff": max_diff,
        },
        "expected": [
            {
                "index": int(test_indices[k]),
                "label": int(test_labels[k]),
                "prediction": int(predictions[k]),
                "logits": [round(float(v), 4) for v in logits[k]],
                "featuresSum": round(float(features[k].sum()), 4),
            }
            for k in range(8)
        ],
        "training": {
            "script": "tools/train_digits_cnn.py",
            "seed": SEED,
            "epochs": EPOCHS,
            "batchSize": BATCH,
            "optimizer": f"Adam lr {LR} cosine to 0, weight decay {WEIGHT_DECAY}, label smoothing {LABEL_SMOOTHING}",
            "augmentation": "random filter (bilinear 40%, bicubic 20%, Lanczos 25%, nearest 15%), source box shifted up to +-0.5 px and scaled 0.92-1.08, JPEG q60-95 for 30%",
            "seconds": round(seconds, 1),
            "torch": torch.__version__,
            "onnx": onnx.__version__,
            "onnxruntime": ort.__version__,
        },
        **extra,
    }
    save_json(MODELS / f"{name}.json", description_json)
    print(f"  {name}: test accuracy {acc:.4f} ({int((predictions == test_labels).sum())}/{len(test_labels)}), "
          f"{len(data)} bytes, {params} parameters, ONNX vs PyTorch max |diff| {max_diff:.2e}")
    return data, description_json


def main() -> None:
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    MODELS.mkdir(parents=True, exist_ok=True)
    pixels, labels, train_idx, test_idx = load_digits_data()
    started = time.perf_counter()

    print("digits-cnn (0-9)")
    model, seconds = train(pixels[train_idx], labels[train_idx], 10, SEED)
    export(
        "digits-cnn",
        model,
        [str(d) for d in range(10)],
        "Small CNN for 8x8 handwritten digits (scikit-learn's digits) shown as 32x32 RGB images; classes 0-9.",
        pixels[test_idx],
        labels[test_idx],
        test_idx,
        {},
        seconds,
    )

    print("digits-backbone-0to4 (0-4 only)")
    tr = train_idx[labels[train_idx] < 5]
    te = test_idx[labels[test_idx] < 5]
    backbone, seconds = train(pixels[tr], labels[tr], 5, SEED)
    # How well its features transfer: logistic regression on the features of the disjoint digits 5-9.
    tr_new = train_idx[labels[train_idx] >= 5]
    te_new = test_idx[labels[test_idx] >= 5]
    proto = digits_cnn_onnx(backbone.folded(), 5, "probe", "")
    f_train = run_onnx(proto.SerializeToString(), to_input(upscale_all(pixels[tr_new])))[1]
    f_test = run_onnx(proto.SerializeToString(), to_input(upscale_all(pixels[te_new])))[1]
    probe = LogisticRegression(max_iter=2000, C=1.0).fit(f_train, labels[tr_new])
    probe_acc = float(probe.score(f_test, labels[te_new]))
    print(f"  transfer probe: logistic regression on its features, digits 5-9: test accuracy {probe_acc:.4f}")
    export(
        "digits-backbone-0to4",
        backbone,
        [str(d) for d in range(5)],
        "The digits-cnn network trained on digits 0-4 only: a featurizer (output 'features', 64-d) for transfer "
        "learning on the disjoint digits 5-9.",
        pixels[te],
        labels[te],
        te,
        {
            "transfer": {
                "note": "trained on the train split's digits 0-4 only; 'testAccuracy' is on the test split's digits 0-4",
                "probe": "sklearn LogisticRegression(C=1.0, max_iter=2000) on 'features' of the train split's digits 5-9 (Pillow-bilinear upscale), scored on the test split's digits 5-9",
                "trainImages": int(len(tr_new)),
                "testImages": int(len(te_new)),
                "testAccuracy": round(probe_acc, 4),
            }
        },
        seconds,
    )
    print(f"done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
