"""PyTorch eager fp32 training steps of the bot's TimeSeriesTransformer, the reference the
TF.js numbers are compared with: Adam with L2 weight decay, clip_grad_norm_, cross-entropy
plus weighted MSE (spec/TRAINING.md), with the trainer's settings passed in by bench/plan.ts,
on one fixed random batch. Prints JSON rows.

    python3 bench/py/torch_step.py --device auto --runs '[{"name": "v1", "config": {...}, "batch": 32,
        "warmup": 2, "steps": 5, "training": {"learning_rate": 1e-4, "weight_decay": 1e-4,
        "grad_clip_norm": 1.0, "vol_loss_weight": 0.5}}]' [--budget-s 120]
"""

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bot"))
from nexus_transformer import TimeSeriesTransformer  # noqa: E402


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def run(spec: dict, device: torch.device) -> dict:
    c = spec["config"]
    B = spec["batch"]
    torch.manual_seed(0)
    model = TimeSeriesTransformer(d_model=c["d_model"], nhead=c["nhead"], num_layers=c["num_layers"],
                                  dim_feedforward=c["dim_feedforward"], ob_hidden=c["ob_hidden"],
                                  dropout=c["dropout"]).to(device).train()
    t = spec["training"]
    opt = torch.optim.Adam(model.parameters(), lr=t["learning_rate"], weight_decay=t["weight_decay"])
    x = torch.rand(B, c["seq_len"], 5, device=device) * 4 - 2
    ob = torch.zeros(B, 40, device=device)
    label = torch.randint(0, 3, (B,), device=device)
    vol = torch.rand(B, device=device) * 2 - 1

    def step() -> float:
        opt.zero_grad(set_to_none=True)
        trend, vol_pred = model(x, ob)
        loss = F.cross_entropy(trend, label) + t["vol_loss_weight"] * F.mse_loss(vol_pred.reshape(-1), vol)
        loss.backward()
        if t["grad_clip_norm"] > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), t["grad_clip_norm"])
        opt.step()
        return loss.item()  # a host read per step, as the TF.js loop's `await loss.data()`

    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    first = None
    for i in range(spec["warmup"]):
        t0 = time.perf_counter()
        step()
        sync(device)
        if i == 0:
            first = (time.perf_counter() - t0) * 1000
    sync(device)
    start = time.perf_counter()
    for _ in range(spec["steps"]):
        step()
    sync(device)
    ms = (time.perf_counter() - start) * 1000 / spec["steps"]
    row = {"name": spec["name"], "batch": B, "device": str(device), "warmup": spec["warmup"], "steps": spec["steps"],
           "first_step_ms": first, "ms_per_step": ms, "samples_per_s": B / (ms / 1000)}
    if device.type == "cuda":
        row["peak_bytes"] = torch.cuda.max_memory_allocated(device)
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--runs", required=True, help="JSON list of {name, config, batch, warmup, steps, training}")
    parser.add_argument("--budget-s", type=float, default=float("inf"), help="skip runs once this much time is spent")
    args = parser.parse_args()
    want_cuda = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    device = torch.device("cuda" if want_cuda else "cpu")
    info = {"torch": torch.__version__, "device": str(device), "threads": torch.get_num_threads(),
            "python": platform.python_version(),
            "device_name": torch.cuda.get_device_name(device) if want_cuda else platform.processor() or platform.machine()}
    if want_cuda:  # fp32 matmuls on tensor cores (TF32) or not: PyTorch's default is not
        info["tf32_matmul"] = torch.backends.cuda.matmul.allow_tf32
    began = time.perf_counter()
    rows = []
    for spec in json.loads(args.runs):
        if time.perf_counter() - began > args.budget_s:
            rows.append({"name": spec["name"], "batch": spec["batch"], "skipped": f"over the {args.budget_s:.0f} s budget"})
            continue
        rows.append(run(spec, device))
    print(json.dumps({"info": info, "rows": rows}))


if __name__ == "__main__":
    main()
