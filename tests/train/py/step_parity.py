"""Five full training steps of the bot's model in PyTorch: TRAINING.md's loss, backward,
clip_grad_norm_, Adam(weight_decay). Dropout 0, so both sides compute the same function.

usage: step_parity.py IN_JSON OUT_JSON
  IN: {"config", "pth", "batches": [{"x", "ob", "label", "vol"}], "lr", "weight_decay",
       "clip", "vol_loss_weight"}
  OUT: {"losses": [...], "weights": {name: flat list}}
"""

import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bot"))
from nexus_transformer import TimeSeriesTransformer, config_kwargs  # noqa: E402

torch.set_num_threads(1)
spec = json.loads(Path(sys.argv[1]).read_text())
model = TimeSeriesTransformer(**config_kwargs(spec["config"]))
model.load_state_dict(torch.load(spec["pth"], weights_only=True), strict=True)
model.train()
opt = torch.optim.Adam(model.parameters(), lr=spec["lr"], weight_decay=spec["weight_decay"])
losses = []
for b in spec["batches"]:
    opt.zero_grad()
    trend, vol = model(torch.tensor(b["x"]), torch.tensor(b["ob"]))
    loss = torch.nn.functional.cross_entropy(trend, torch.tensor(b["label"])) + spec["vol_loss_weight"] * torch.nn.functional.mse_loss(vol.squeeze(1), torch.tensor(b["vol"]))
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), spec["clip"])
    opt.step()
    losses.append(loss.item())
weights = {k: v.flatten().tolist() for k, v in model.state_dict().items()}
Path(sys.argv[2]).write_text(json.dumps({"losses": losses, "weights": weights}))
