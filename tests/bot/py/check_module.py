"""The bot-side module as bot owners use it: the guide's constructor calls and
validation snippet, and load_export on a folder written by `nexus export`."""

import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bot"))
from nexus_transformer import TimeSeriesTransformer, load_export  # noqa: E402

out = {}
for name, kwargs in {"v1": dict(d_model=128, nhead=4, num_layers=2), "v2": dict(d_model=256, nhead=8, num_layers=4)}.items():
    model = TimeSeriesTransformer(input_dim=5, order_book_dim=40, output_dim=3, dropout=0.1, **kwargs)
    trend, vol = model(torch.randn(1, 128, 5), torch.randn(1, 40))
    out[name] = {"parameters": sum(p.numel() for p in model.parameters()), "trend": list(trend.shape), "vol": list(vol.shape)}

model, meta = load_export(sys.argv[1])
out["export"] = {"training": model.training, "preset": meta["config"]["preset"],
                 "parameters": sum(p.numel() for p in model.parameters()), "meta_parameters": meta["parameters"]}
print(json.dumps(out))
