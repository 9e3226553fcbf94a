"""PyTorch reference for tests/train/schedule.test.ts: torch.optim.lr_scheduler.ReduceLROnPlateau.

Usage: /usr/bin/python3 plateau_ref.py IN.json OUT.json
IN: {"cases": [{"lr": float, "losses": [...], "factor", "patience", "threshold",
"cooldown", "min_lr", "eps"}]}. OUT: {"lrs": [[lr after each step] per case]}.
"""
import json
import sys

import torch


def run(case):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=case["lr"])
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(
        opt, mode="min", factor=case["factor"], patience=case["patience"],
        threshold=case["threshold"], threshold_mode="rel", cooldown=case["cooldown"],
        min_lr=case["min_lr"], eps=case["eps"])
    lrs = []
    for loss in case["losses"]:
        # JSON has no NaN/Infinity; the test sends them as strings.
        sched.step(float(loss))
        lrs.append(opt.param_groups[0]["lr"])
    return lrs


def main(inp, out):
    with open(inp) as f:
        cfg = json.load(f)
    with open(out, "w") as f:
        json.dump({"lrs": [run(c) for c in cfg["cases"]]}, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
