"""`weekutils predict` (week 7) on image files the tests make, with a small model trained and saved in a tmp dir."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from weekutils import cli, models
from weekutils.data import load_mnist
from weekutils.predict import load_model, top_classes
from weekutils.preprocess import mnist_preprocess


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Week 6's better CNN, trained for 120 small steps on MNIST (a few seconds): good enough for clear digits."""
    torch.manual_seed(0)
    (x, t), (x_val, t_val) = load_mnist(flatten=False, validation=1000)
    model = models.make_better_cnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    order = np.random.default_rng(0).permutation(len(x))[: 120 * 32]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small steps: one thread is fastest, and far faster on a shared, busy machine
    try:
        for batch in order.reshape(120, 32):
            loss = F.cross_entropy(model(torch.from_numpy(x[batch])), torch.from_numpy(t[batch]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    finally:
        torch.set_num_threads(threads)
    model_dir = tmp_path_factory.mktemp("models")
    models.save_model(model, "mnist", model_dir)
    model.eval()
    with torch.no_grad():
        probs = torch.softmax(model(torch.from_numpy(x_val[:200])), 1).numpy()
    # Digits the model reads clearly, so that every file variant must give the same answer.
    clear = [i for i in range(200) if probs[i].argmax() == t_val[i] and probs[i].max() > 0.9][:4]
    assert len(clear) == 4, "the small model should read most validation digits"
    return model_dir, x_val[clear, 0], t_val[clear]


@pytest.fixture
def model_dir(trained, monkeypatch):
    monkeypatch.setattr(models, "MODEL_DIR", trained[0])
    return trained[0]


def write_variants(folder, digit, label):
    """The digit as a person might hand it in: plain PNG, dark-on-light, enlarged, RGB JPEG, off-centre."""
    grey = (digit * 255).astype(np.uint8)
    paths = {
        "plain.png": Image.fromarray(grey),
        "inverted.png": Image.fromarray(255 - grey),
        "large.png": Image.fromarray(255 - grey).resize((300, 300), Image.BILINEAR),
        "rgb.jpg": Image.fromarray(np.stack([255 - grey] * 3, axis=2)).resize((97, 97)),
        "offcentre.png": Image.fromarray(np.pad(grey, ((0, 40), (30, 5)))),
    }
    written = []
    for name, image in paths.items():
        path = folder / f"{label}_{name}"
        image.save(path)
        written.append(path)
    return written


def parse_top(line):
    """'path: 7 98.1%, 1 1.2%, 9 0.3%' -> ['7', '1', '9']."""
    return [part.rsplit(" ", 1)[0] for part in line.split(": ", 1)[1].split(", ")]


def test_every_variant_of_a_digit_gets_its_label(model_dir, trained, tmp_path, capsys):
    _, digits, labels = trained
    paths = [p for digit, label in zip(digits, labels) for p in write_variants(tmp_path, digit, label)]
    assert cli.main(["predict", *map(str, paths)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(paths)
    for path, line in zip(paths, lines):
        assert line.startswith(str(path))
        top = parse_top(line)
        assert len(top) == 3 and top[0] == path.name.split("_")[0], line


def test_the_cli_uses_the_same_preprocessing_as_the_library(model_dir, trained, tmp_path, capsys):
    _, digits, labels = trained
    path = write_variants(tmp_path, digits[0], labels[0])[2]
    assert cli.main(["predict", str(path)]) == 0
    printed = capsys.readouterr().out
    ranked = top_classes(
        load_model("mnist"), mnist_preprocess(np.asarray(Image.open(path))), [str(d) for d in range(10)]
    )
    assert printed.strip().endswith(", ".join(f"{n} {p:.1%}" for n, p in ranked))


def test_one_bad_file_is_reported_and_the_rest_still_predicted(model_dir, trained, tmp_path, capsys):
    _, digits, labels = trained
    good = write_variants(tmp_path, digits[1], labels[1])[0]
    text = tmp_path / "notes.png"
    text.write_text("not a picture")
    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((50, 50), 255, np.uint8)).save(blank)
    missing = tmp_path / "missing.png"
    assert cli.main(["predict", str(text), str(good), str(missing), str(blank)]) == 1
    out, err = capsys.readouterr()
    assert out.startswith(str(good)) and len(out.strip().splitlines()) == 1
    errors = err.strip().splitlines()
    assert len(errors) == 3
    assert "not an image file" in errors[0] and "no such file" in errors[1] and "blank" in errors[2]


def test_missing_model_says_which_week_to_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(models, "MODEL_DIR", tmp_path)
    image = tmp_path / "x.png"
    Image.fromarray(np.zeros((28, 28), np.uint8)).save(image)
    assert cli.main(["predict", str(image)]) == 1
    assert "run `weekutils run 6` first" in capsys.readouterr().err
    assert cli.main(["predict", "--model", "fashion", str(image)]) == 1
    assert "run `weekutils run 7` first" in capsys.readouterr().err


def test_unknown_model_wrong_architecture_and_corrupt_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(models, "MODEL_DIR", tmp_path)
    image = tmp_path / "x.png"
    Image.fromarray(np.zeros((28, 28), np.uint8)).save(image)
    assert cli.main(["predict", "--model", "cifar", str(image)]) == 1
    err = capsys.readouterr().err.strip()
    assert "unknown model 'cifar'" in err and len(err.splitlines()) == 1
    torch.save(torch.nn.Linear(784, 10).state_dict(), models.model_path("mnist"))
    assert cli.main(["predict", str(image)]) == 1
    err = capsys.readouterr().err.strip()
    assert "does not hold week 6's better CNN" in err and len(err.splitlines()) == 1
    models.model_path("mnist").write_bytes(b"\x00garbage" * 10)
    assert cli.main(["predict", str(image)]) == 1
    assert "cannot read the model file" in capsys.readouterr().err
