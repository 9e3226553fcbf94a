"""PyTorch side of tests/cli/evaluate.test.ts: a v1 model the way the bot saves one, and its test
metrics computed independently of the playground's engine (only the split range and the
preprocessing statistics are taken from `nexus evaluate --json`, as the brief allows).

usage: evaluate_ref.py save-v1  SEED OUT.pth                    (torch.save of a fresh v1 state_dict)
       evaluate_ref.py save-other OUT.pth                       (a real .pth that is not the bot's model)
       evaluate_ref.py evaluate WEIGHTS.pth BARS.csv NEXUS.json   (prints the test metrics as JSON)
"""

import json
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

BOT = Path(__file__).resolve().parents[3] / "bot"
sys.path.insert(0, str(BOT))
from nexus_transformer import TimeSeriesTransformer, config_kwargs  # noqa: E402
from predict import read_bars  # noqa: E402
from preprocess import preprocess  # noqa: E402

torch.set_num_threads(1)


def save_v1(seed: str, out: str) -> None:
    torch.manual_seed(int(seed))
    model = TimeSeriesTransformer(d_model=128, nhead=4, num_layers=2)  # the bot's current model
    torch.save(model.state_dict(), out)


def save_other(out: str) -> None:
    torch.save(torch.nn.Linear(5, 3).state_dict(), out)


def classes(r: np.ndarray, theta: float) -> np.ndarray:
    """DATA.md section 5: 0 DOWN below -theta, 2 UP above theta, else 1 NEUTRAL."""
    return np.where(r < -theta, 0, np.where(r > theta, 2, 1))


def scores(pred: np.ndarray, truth: np.ndarray) -> dict:
    conf = np.zeros((3, 3), dtype=int)
    np.add.at(conf, (truth, pred), 1)
    tp, actual, predicted = np.diag(conf), conf.sum(axis=1), conf.sum(axis=0)
    f1 = np.where(actual + predicted > 0, 2 * tp / np.maximum(actual + predicted, 1), 0.0)
    present = actual > 0
    return {"accuracy": float(tp.sum() / len(truth)), "balanced_accuracy": float(np.mean(tp[present] / actual[present])),
            "macro_f1": float(f1.mean()), "confusion": conf.tolist()}


def evaluate(weights: str, csv_path: str, nexus_json: str) -> dict:
    ours = json.loads(Path(nexus_json).read_text())
    pre, config, settings = ours["preprocessing"], ours["config"], ours["settings"]
    first, last = ours["data"]["splits"]["test"]
    train_first, train_last = ours["data"]["splits"]["train"]
    h, seq_len = pre["horizon"], config["seq_len"]

    model = TimeSeriesTransformer(**config_kwargs(config))
    model.load_state_dict(torch.load(weights, weights_only=True), strict=True)
    model.eval()
    bars = read_bars(csv_path)
    x, ob = preprocess(bars, pre)
    c = bars["close"]
    ts = np.arange(first, last + 1)
    truth = classes(np.log(c[ts + h] / c[ts]), pre["theta"])
    lr = np.log(c[1:] / c[:-1])  # lr[k] = ln(c[k+1] / c[k])
    vol = np.array([np.log(np.sqrt(np.sum(lr[t:t + h] ** 2)) + 1e-12) for t in ts])
    vol_target = (vol - pre["vol_mean"]) / pre["vol_std"]

    xb = torch.from_numpy(np.stack([x[t - seq_len + 1:t + 1] for t in ts]))  # (N, T, 5)
    with torch.no_grad():
        logits, vol_pred = model(xb, torch.from_numpy(ob[ts]))
    y = torch.from_numpy(truth)
    ce = F.cross_entropy(logits, y)
    mse = F.mse_loss(vol_pred[:, 0], torch.from_numpy(vol_target).float())
    pred = logits.argmax(dim=1).numpy()

    train_t = np.arange(train_first, train_last + 1)
    majority = np.bincount(classes(np.log(c[train_t + h] / c[train_t]), pre["theta"]), minlength=3).argmax()
    persistence = classes(np.log(c[ts] / c[ts - h]), pre["theta"])
    return {
        "loss": float(ce + settings["vol_loss_weight"] * mse),
        **scores(pred, truth),
        "vol_rmse": float(torch.sqrt(mse)),
        "baselines": {"majority": scores(np.full_like(truth, majority), truth), "persistence": scores(persistence, truth)},
    }


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    if command == "save-v1":
        save_v1(*rest)
    elif command == "save-other":
        save_other(*rest)
    elif command == "evaluate":
        print(json.dumps(evaluate(*rest)))
    else:
        sys.exit(__doc__)
