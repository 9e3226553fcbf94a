"""Reference for tests/train/metrics.test.ts: classification scores, with sklearn when
/usr/bin/python3 has it and otherwise the same definitions written with numpy.

Usage: /usr/bin/python3 metrics_ref.py IN.json OUT.json
IN: {"cases": [{"truth": [...], "pred": [...]}], "vol": {"pred": [...], "target": [...]},
"persistence": {"closes": [...], "t": [...], "h": int, "theta": float}}
OUT: {"cases": [{"confusion", "accuracy", "balanced_accuracy", "macro_f1", "precision",
"recall"}], "vol_rmse": float, "persistence": [...], "engine": "sklearn" | "numpy"}
"""
import json
import sys

import numpy as np

LABELS = [0, 1, 2]


def with_sklearn(y, p):
    from sklearn import metrics as m
    pr, rc, _, _ = m.precision_recall_fscore_support(y, p, labels=LABELS, zero_division=0)
    return {
        "confusion": m.confusion_matrix(y, p, labels=LABELS).tolist(),
        "accuracy": m.accuracy_score(y, p),
        "balanced_accuracy": m.balanced_accuracy_score(y, p),
        "macro_f1": m.f1_score(y, p, labels=LABELS, average="macro", zero_division=0),
        "precision": pr.tolist(), "recall": rc.tolist(),
    }


def with_numpy(y, p):
    c = np.zeros((3, 3), dtype=np.int64)
    np.add.at(c, (y, p), 1)
    tp = np.diag(c).astype(float)
    actual = c.sum(axis=1)
    predicted = c.sum(axis=0)
    recall = np.divide(tp, actual, out=np.zeros(3), where=actual > 0)
    precision = np.divide(tp, predicted, out=np.zeros(3), where=predicted > 0)
    f1 = np.divide(2 * tp, actual + predicted, out=np.zeros(3), where=(actual + predicted) > 0)
    return {
        "confusion": c.tolist(),
        "accuracy": float(tp.sum() / len(y)),
        "balanced_accuracy": float(recall[actual > 0].mean()),
        "macro_f1": float(f1.mean()),
        "precision": precision.tolist(), "recall": recall.tolist(),
    }


def main(inp, out):
    with open(inp) as f:
        cfg = json.load(f)
    try:
        import sklearn  # noqa: F401
        score, engine = with_sklearn, "sklearn"
    except ImportError:
        score, engine = with_numpy, "numpy"
    cases = [score(np.array(c["truth"]), np.array(c["pred"])) for c in cfg["cases"]]
    vp = np.array(cfg["vol"]["pred"], dtype=np.float64)
    vt = np.array(cfg["vol"]["target"], dtype=np.float64)
    per = cfg["persistence"]
    closes = np.array(per["closes"], dtype=np.float64)
    t = np.array(per["t"])
    r = np.log(closes[t] / closes[t - per["h"]])
    persistence = np.where(r < -per["theta"], 0, np.where(r > per["theta"], 2, 1)).tolist()
    with open(out, "w") as f:
        json.dump({"cases": cases, "vol_rmse": float(np.sqrt(np.mean((vp - vt) ** 2))),
                   "persistence": persistence, "engine": engine}, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
