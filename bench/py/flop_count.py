"""PyTorch's own FLOP counter (torch.profiler with_flops, present in torch 1.13) over the
bot's TimeSeriesTransformer, to check src/model/flops.ts independently. Prints JSON:
{preset: {"forward": n, "training": n}} for matrix products only, every position computed.

    /usr/bin/python3 bench/py/flop_count.py --batch 2 '{"tiny": {...ModelConfig...}}'
"""

import argparse
import json
import sys
from pathlib import Path

import torch
from torch.profiler import profile

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bot"))
from nexus_transformer import TimeSeriesTransformer  # noqa: E402

# The profiler counts FLOPs for these matrix kernels (2 per multiply-add); elementwise
# kernels such as aten::add also get counts, which flops.ts leaves out, so they are skipped.
MATMUL_KERNELS = {"aten::mm", "aten::addmm", "aten::bmm", "aten::baddbmm"}


def matmul_flops(prof) -> int:
    return sum(e.flops for e in prof.events() if e.name in MATMUL_KERNELS and e.flops)


def count(config: dict, batch: int) -> dict:
    torch.manual_seed(0)
    # dropout=0 in train mode: the same kernels as training, without the inference fast path.
    model = TimeSeriesTransformer(d_model=config["d_model"], nhead=config["nhead"], num_layers=config["num_layers"],
                                  dim_feedforward=config["dim_feedforward"], ob_hidden=config["ob_hidden"],
                                  dropout=0.0).train()
    x = torch.randn(batch, config["seq_len"], 5)
    ob = torch.randn(batch, 40)
    with profile(with_flops=True) as fwd:
        model(x, ob)
    with profile(with_flops=True) as step:
        trend, vol = model(x, ob)
        (trend.sum() + vol.sum()).backward()
    return {"forward": matmul_flops(fwd), "training": matmul_flops(step)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("configs", help="JSON object of name -> ModelConfig")
    args = parser.parse_args()
    configs = json.loads(args.configs)
    print(json.dumps({name: count(c, args.batch) for name, c in configs.items()}))


if __name__ == "__main__":
    main()
