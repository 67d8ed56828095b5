"""`weekutils predict IMAGE ...`: a saved model recognises your own pictures, top 3 classes with probabilities (week 7)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from weekutils.data import FASHION_MNIST, MNIST
from weekutils.models import MODEL_FILES, make_better_cnn, model_path
from weekutils.preprocess import PREPROCESSORS

CLASS_NAMES = {"mnist": MNIST.class_names, "fashion": FASHION_MNIST.class_names}
TRAINED_IN = {"mnist": 6, "fashion": 7}


class PredictError(RuntimeError):
    """A problem the user can fix; the message is one line that says how (week 7)."""


def load_model(name: str, model_dir: Path | None = None):
    """The saved better CNN `name` ("mnist" or "fashion") in eval mode, loaded with weights_only=True (week 7)."""
    import torch

    if name not in MODEL_FILES:
        raise PredictError(f"unknown model {name!r}: use --model mnist (digits) or --model fashion (clothes)")
    path = model_path(name, model_dir)
    week = TRAINED_IN[name]
    if not path.is_file():
        raise PredictError(f"no saved {name} model at {path}: run `weekutils run {week}` first, it trains and saves it")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # a truncated file, a pickle with code in it, not a torch file at all
        raise PredictError(
            f"cannot read the model file {path} ({type(err).__name__}); delete it and run `weekutils run {week}` again"
        ) from None
    model = make_better_cnn()
    try:
        model.load_state_dict(state)
    except Exception as err:  # RuntimeError: missing/unexpected keys or wrong shapes; AttributeError: not a dict
        first = " ".join(str(err).split())[:160]
        raise PredictError(
            f"the model file {path} does not hold week 6's better CNN ({first}); delete it and "
            f"run `weekutils run {week}` again"
        ) from None
    return model.eval()


def read_image(path) -> np.ndarray:
    """The pixels of a PNG/JPEG/... file as a uint8 array, grey (H, W) or RGB(A) (H, W, C) (week 7)."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise PredictError(f"{path}: no such file")
    try:
        with Image.open(path) as image:
            image.load()
            if image.mode not in ("L", "RGB", "RGBA"):
                image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            return np.asarray(image)
    except (UnidentifiedImageError, OSError, ValueError) as err:
        kind = "not an image file" if isinstance(err, UnidentifiedImageError) else f"unreadable image ({err})"
        raise PredictError(f"{path}: {kind}; give a PNG or JPEG picture") from None


def top_classes(model, image28, class_names, k: int = 3) -> list[tuple[str, float]]:
    """The k most probable classes of one preprocessed (28, 28) image, as (name, probability) (week 7)."""
    import torch

    with torch.no_grad():
        logits = model(torch.from_numpy(np.asarray(image28, dtype=np.float32)).reshape(1, 1, 28, 28))
        probs = torch.softmax(logits, dim=1)[0].numpy()
    order = np.argsort(probs)[::-1][:k]
    return [(class_names[i], float(probs[i])) for i in order]


def predict_files(paths, model_name: str = "mnist", model_dir: Path | None = None, out=None, err=None) -> int:
    """Print the top 3 classes of each image; a bad file is reported and skipped; 1 if any failed, else 0 (week 7)."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        model = load_model(model_name, model_dir)
    except PredictError as problem:
        print(f"weekutils predict: error: {problem}", file=err)
        return 1
    preprocess, names = PREPROCESSORS[model_name], CLASS_NAMES[model_name]
    failed = 0
    for path in paths:
        try:
            pixels = read_image(path)
            try:
                image28 = preprocess(pixels)
            except ValueError as problem:  # a blank picture, a 1-pixel image
                raise PredictError(f"{path}: {problem}") from None
        except PredictError as problem:
            print(f"weekutils predict: error: {problem}", file=err)
            failed += 1
            continue
        ranked = top_classes(model, image28, names)
        print(f"{path}: " + ", ".join(f"{name} {p:.1%}" for name, p in ranked), file=out)
    return 1 if failed else 0
