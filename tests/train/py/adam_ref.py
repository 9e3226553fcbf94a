"""PyTorch reference for tests/train/optim.test.ts: torch.optim.Adam + clip_grad_norm_.

Usage: /usr/bin/python3 adam_ref.py IN.json OUT.json
IN: {"params": {key: {"shape": [...], "data": [...]}}, "grads": [{key: [...]}, ...] (one
map per step; a missing key means p.grad is None that step), "lr": [one per step],
"weight_decay": float, "max_norm": float (0 = no clipping)}.
OUT: {"params": {key: [...]}, "norms": [total norm per step],
"state": {key: {"step": int, "exp_avg": [...], "exp_avg_sq": [...]}}}.
"""
import json
import sys

import torch


def main(inp, out):
    with open(inp) as f:
        cfg = json.load(f)
    params = {
        k: torch.nn.Parameter(torch.tensor(v["data"], dtype=torch.float32).reshape(v["shape"]))
        for k, v in cfg["params"].items()
    }
    opt = torch.optim.Adam(params.values(), lr=cfg["lr"][0], betas=(0.9, 0.999), eps=1e-8,
                           weight_decay=cfg["weight_decay"])
    norms = []
    for lr, grads in zip(cfg["lr"], cfg["grads"]):
        for group in opt.param_groups:
            group["lr"] = lr
        for k, p in params.items():
            p.grad = (torch.tensor(grads[k], dtype=torch.float32).reshape(p.shape)
                      if k in grads else None)
        if cfg["max_norm"] > 0:
            norms.append(float(torch.nn.utils.clip_grad_norm_(params.values(), cfg["max_norm"])))
        opt.step()
    state = {}
    for k, p in params.items():
        if p in opt.state:
            s = opt.state[p]
            state[k] = {"step": int(s["step"]), "exp_avg": s["exp_avg"].flatten().tolist(),
                        "exp_avg_sq": s["exp_avg_sq"].flatten().tolist()}
    result = {"params": {k: p.detach().flatten().tolist() for k, p in params.items()},
              "norms": norms, "state": state}
    with open(out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
