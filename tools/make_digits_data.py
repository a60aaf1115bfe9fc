#!/usr/bin/env python3
"""Writes the handwritten-digits data that deepframe ships under data/digits/.

Source: scikit-learn's bundled copy of the UCI "Optical Recognition of Handwritten Digits" test set
(``sklearn.datasets.load_digits``: 1,797 images of 8x8 pixels, 10 classes). The data file is inside the
scikit-learn package; nothing is downloaded.

Run it from the repository root (requirements: tools/requirements.txt, only numpy and scikit-learn are used):

    python3 tools/make_digits_data.py

It writes, deterministically (the same bytes on every run):

- data/digits/digits.bin   1797 x 64 uint8, row-major: image i is bytes [64 i, 64 i + 64), pixel (row r, column c)
                           at 64 i + 8 r + c. Values: round(v * 255 / 16) of the original 0..16 counts, so 0 is the
                           background (black) and 255 full ink (white).
- data/digits/labels.bin   1797 uint8, the digit 0..9 of each image.
- data/digits/split.json   the held-out split every model under models/ is measured on: an 80/20 split stratified
                           by class, sklearn.model_selection.train_test_split(test_size=0.2, stratify=labels,
                           random_state=0); both index lists, sorted.
- data/digits/README.md    source, license and layout.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "digits"
SEED = 0
TEST_SIZE = 0.2


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    digits = load_digits()
    counts = digits.images.astype(np.float64)  # (1797, 8, 8), integers 0..16
    assert counts.shape == (1797, 8, 8) and counts.min() == 0 and counts.max() == 16
    pixels = np.rint(counts * 255.0 / 16.0).astype(np.uint8).reshape(len(counts), 64)
    labels = digits.target.astype(np.uint8)

    indices = np.arange(len(labels))
    train, test = train_test_split(indices, test_size=TEST_SIZE, stratify=labels, random_state=SEED)
    train, test = np.sort(train), np.sort(test)

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "digits.bin").write_bytes(pixels.tobytes(order="C"))
    (OUT / "labels.bin").write_bytes(labels.tobytes())
    split = {
        "method": "sklearn.model_selection.train_test_split(indices, test_size=0.2, stratify=labels, random_state=0), "
        "each list sorted",
        "scikitLearnVersion": sklearn.__version__,
        "seed": SEED,
        "testSize": TEST_SIZE,
        "train": [int(i) for i in train],
        "test": [int(i) for i in test],
    }
    (OUT / "split.json").write_text(json.dumps(split, separators=(",", ":")) + "\n")

    per_class = np.bincount(labels, minlength=10).tolist()
    test_per_class = np.bincount(labels[test], minlength=10).tolist()
    readme = f"""# Handwritten digits (8×8)

1,797 grey images of handwritten digits, 8×8 pixels, 10 classes (0–9), as bundled with scikit-learn
(`sklearn.datasets.load_digits`). Written by `tools/make_digits_data.py` (scikit-learn {sklearn.__version__});
run it again to get the same bytes.

## Source and license

- Data: the test set ("optdigits.tes") of the UCI Machine Learning Repository's *Optical Recognition of
  Handwritten Digits* (E. Alpaydin, C. Kaynak, Bogazici University, 1998),
  https://archive.ics.uci.edu/dataset/80/optical+recognition+of+handwritten+digits. UCI lists this data set under
  the Creative Commons Attribution 4.0 International license (CC BY 4.0); cite: Alpaydin, E. & Kaynak, C. (1998).
  Optical Recognition of Handwritten Digits [Dataset]. UCI Machine Learning Repository.
- Redistributed in scikit-learn (`sklearn/datasets/data/digits.csv.gz`), BSD-3-Clause license, from which these
  files are taken (only the value scaling below is changed).

Each 8×8 value counts the "on" pixels of a 4×4 block of the original 32×32 bitmap (0..16).

## Files

| file | size | layout |
| --- | --- | --- |
| `digits.bin` | {pixels.nbytes} bytes | 1797 × 64 `uint8`, row-major; image *i* is bytes `[64i, 64i+64)`, pixel (row *r*, column *c*) at `64i + 8r + c`. Value `round(v × 255 / 16)` of the original count *v* ∈ 0..16: 0 = background (black), 255 = full ink (white). |
| `labels.bin` | {labels.nbytes} bytes | 1797 `uint8`, the digit of each image, in the same order. |
| `split.json` | | the held-out split the shipped models are measured on: `train` ({len(train)}) and `test` ({len(test)}) index lists, sorted; `train_test_split(test_size=0.2, stratify=labels, random_state=0)`. |

Images per class: {per_class}; in the test split: {test_per_class}.

SHA-256: `digits.bin` {hashlib.sha256(pixels.tobytes()).hexdigest()},
`labels.bin` {hashlib.sha256(labels.tobytes()).hexdigest()}.

## How the shipped models see an image

`models/digits-cnn.onnx` and `models/digits-backbone-0to4.onnx` take the 8×8 image upscaled to 32×32 with a
bilinear filter (Pillow's `Image.resize((32, 32), Image.BILINEAR)` on the 8-bit image), grey replicated into R, G
and B, each value divided by 255. See `models/*.json`.
"""
    (OUT / "README.md").write_text(readme)
    for name in ("digits.bin", "labels.bin", "split.json", "README.md"):
        path = OUT / name
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size} bytes  sha256 {sha256(path)[:16]}…")


if __name__ == "__main__":
    main()
