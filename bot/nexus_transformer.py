"""The bot's TimeSeriesTransformer, exactly as NexusBrain Playground trains it.

Drop-in for ``src/ai_core/nexus_transformer.py``: the constructor takes the upgrade
guide's arguments (``TimeSeriesTransformer(d_model=256, nhead=8, num_layers=4)``) plus
``dim_feedforward``, ``ob_hidden`` and ``seq_len`` for custom configurations. Module names
are the state_dict keys of the playground's exports (spec/MODEL.md).

    model, meta = load_export("export_dir")   # reads nexus_transformer.json + .pth
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import torch
import torch.nn as nn

MAX_SEQ_LEN = 512
CLASSES = ("DOWN", "NEUTRAL", "UP")


class PositionalEncoding(nn.Module):
    """Fixed sinusoidal table saved as the ``pos_encoder.pe`` buffer, (1, 512, d_model)."""

    def __init__(self, d_model: int, max_len: int = MAX_SEQ_LEN):
        super().__init__()
        position = torch.arange(max_len, dtype=torch.float32).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float32) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(1, max_len, d_model)
        pe[0, :, 0::2] = torch.sin(position * div_term)
        pe[0, :, 1::2] = torch.cos(position * div_term[: d_model // 2])
        self.register_buffer("pe", pe)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.pe[:, : x.size(1)]


def default_ob_hidden(d_model: int) -> list[int]:
    """The guide's order-book MLPs: v1 (d_model 128) uses [64], the v2 upgrade [128, 64]."""
    return [128, 64] if d_model >= 256 else [64]


class TimeSeriesTransformer(nn.Module):
    def __init__(self, input_dim=5, order_book_dim=40, d_model=128, nhead=4, num_layers=2, output_dim=3,
                 dropout=0.1, dim_feedforward=None, ob_hidden=None, seq_len=None):
        super().__init__()
        dim_feedforward = dim_feedforward or 4 * d_model
        ob_hidden = list(ob_hidden or default_ob_hidden(d_model))
        if d_model % nhead != 0:
            raise ValueError(f"d_model ({d_model}) must be divisible by nhead ({nhead})")
        self.seq_len = seq_len  # informational: the window the model was trained on

        self.input_proj = nn.Linear(input_dim, d_model)
        self.pos_encoder = PositionalEncoding(d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=dim_feedforward, dropout=dropout,
                                           batch_first=True)
        self.transformer_encoder = nn.TransformerEncoder(layer, num_layers=num_layers, enable_nested_tensor=False)

        if len(ob_hidden) == 1:
            self.ob_encoder = nn.Sequential(nn.Linear(order_book_dim, ob_hidden[0]), nn.ReLU(),
                                            nn.Linear(ob_hidden[0], 32))
        elif len(ob_hidden) == 2:
            self.ob_encoder = nn.Sequential(nn.Linear(order_book_dim, ob_hidden[0]), nn.ReLU(), nn.Dropout(dropout),
                                            nn.Linear(ob_hidden[0], ob_hidden[1]), nn.ReLU(),
                                            nn.Linear(ob_hidden[1], 32))
        else:
            raise ValueError("ob_hidden must have one or two sizes")

        combined_dim = d_model + 32
        self.trend_head = nn.Sequential(nn.Linear(combined_dim, 64), nn.ReLU(), nn.Dropout(dropout), nn.Linear(64, output_dim))
        self.vol_head = nn.Sequential(nn.Linear(combined_dim, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, x: torch.Tensor, ob: torch.Tensor):
        h = self.pos_encoder(self.input_proj(x))  # (B, T, d)
        h = self.transformer_encoder(h)[:, -1, :]  # (B, d)
        c = torch.cat([h, self.ob_encoder(ob)], dim=1)  # (B, d + 32)
        return self.trend_head(c), self.vol_head(c)  # (B, 3), (B, 1)


def config_kwargs(config: dict) -> dict:
    """Constructor arguments from an export's ``config`` block (EXPORT.md)."""
    keys = ("input_dim", "order_book_dim", "d_model", "nhead", "num_layers", "output_dim", "dropout",
            "dim_feedforward", "ob_hidden", "seq_len")
    return {k: config[k] for k in keys if k in config}


def load_export(export_dir, device="cpu"):
    """Loads ``nexus_transformer.pth`` with its ``nexus_transformer.json``; returns (model in eval mode, metadata)."""
    export_dir = Path(export_dir)
    meta = json.loads((export_dir / "nexus_transformer.json").read_text())
    model = TimeSeriesTransformer(**config_kwargs(meta["config"]))
    state = torch.load(export_dir / "nexus_transformer.pth", map_location=device, weights_only=True)
    model.load_state_dict(state, strict=True)
    return model.to(device).eval(), meta
