"""NexusBrain preprocessing for the bot at inference time: the numpy twin of the playground's
src/data/features.ts (spec/DATA.md sections 3-4). Feed the model exactly what it was trained on:

    meta = json.load(open("nexus_transformer.json"))
    x, ob = preprocess(bars, meta["preprocessing"])          # (N, 5), (N, 40) float32
    xb, obb = model_inputs(x, ob, t=len(x) - 1, seq_len=meta["config"]["seq_len"])
    trend_logits, vol_pred = model(torch.from_numpy(xb), torch.from_numpy(obb))

Python 3.11 standard library + numpy only. Tested against the TypeScript code to 1e-6
(tests/data/python-twin.test.ts). Run as a script to write the arrays for a CSV:
    python3 bot/preprocess.py BARS.csv EXPORT.json OUT.bin   # float32 x, then ob, little-endian
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys

import numpy as np

FEATURES = ["ln_open_prev_close", "ln_high_prev_close", "ln_low_prev_close",
            "ln_close_prev_close", "ln1p_volume"]
OB_LEVELS = 10
ORDER_BOOK_DIM = 4 * OB_LEVELS  # bid_px_1..10, bid_sz_1..10, ask_px_1..10, ask_sz_1..10
CLIP = 10.0


def bar_features(open_, high, low, close, volume) -> np.ndarray:
    """(N, 5) float64 raw features; row 0 is zeros (bar 0 has no previous close)."""
    o, h, l, c, v = (np.asarray(a, dtype=np.float64) for a in (open_, high, low, close, volume))
    out = np.zeros((len(c), 5), dtype=np.float64)
    prev = c[:-1]
    out[1:, 0] = np.log(o[1:] / prev)
    out[1:, 1] = np.log(h[1:] / prev)
    out[1:, 2] = np.log(l[1:] / prev)
    out[1:, 3] = np.log(c[1:] / prev)
    out[1:, 4] = np.log1p(v[1:])
    return out


def order_book_features(ob) -> np.ndarray:
    """(N, 40) raw snapshot values (0 = missing level) to float64 features: prices as
    ln(px / mid) * 1e4 with mid = (bid_px_1 + ask_px_1) / 2, sizes as ln(1 + sz)."""
    ob = np.asarray(ob, dtype=np.float64).reshape(-1, ORDER_BOOK_DIM)
    bid1, ask1 = ob[:, 0], ob[:, 2 * OB_LEVELS]
    mid = np.where((bid1 > 0) & (ask1 > 0), (bid1 + ask1) / 2, 0.0)
    out = np.zeros_like(ob)
    for side in (0, 2):
        px = ob[:, side * OB_LEVELS:(side + 1) * OB_LEVELS]
        sz = ob[:, (side + 1) * OB_LEVELS:(side + 2) * OB_LEVELS]
        ok = (px > 0) & (mid[:, None] > 0)
        ratio = np.divide(px, mid[:, None], out=np.ones_like(px), where=ok)
        out[:, side * OB_LEVELS:(side + 1) * OB_LEVELS] = np.where(ok, np.log(ratio) * 1e4, 0.0)
        out[:, (side + 1) * OB_LEVELS:(side + 2) * OB_LEVELS] = np.log1p(sz)
    return out


def standardize(raw, mean, std, clip: float = CLIP) -> np.ndarray:
    """(raw - mean) / std with the training statistics from the export, clipped, as float32."""
    z = (np.asarray(raw, dtype=np.float64) - np.asarray(mean, dtype=np.float64)) / np.asarray(std, dtype=np.float64)
    return np.clip(z, -clip, clip).astype(np.float32)


def preprocess(bars: dict, preprocessing: dict) -> tuple[np.ndarray, np.ndarray]:
    """bars: open, high, low, close, volume arrays (time order) and optionally order_book (N, 40).
    Returns x (N, 5) and ob (N, 40), float32; ob is zeros when the export says "absent"."""
    if preprocessing["features"] != FEATURES:
        raise ValueError(f"unknown feature list {preprocessing['features']}")
    x = standardize(bar_features(bars["open"], bars["high"], bars["low"], bars["close"], bars["volume"]),
                    preprocessing["mean"], preprocessing["std"], preprocessing["clip"])
    x[0] = 0.0
    n = len(x)
    spec = preprocessing["order_book"]
    if spec == "absent" or bars.get("order_book") is None:
        return x, np.zeros((n, ORDER_BOOK_DIM), dtype=np.float32)
    ob = standardize(order_book_features(bars["order_book"]), spec["mean"], spec["std"], preprocessing["clip"])
    return x, ob


def model_inputs(x: np.ndarray, ob: np.ndarray, t: int, seq_len: int) -> tuple[np.ndarray, np.ndarray]:
    """The model's (1, seq_len, 5) and (1, 40) inputs for the sample ending at bar t."""
    if t - seq_len + 1 < 1:
        raise ValueError(f"bar {t} has fewer than {seq_len} bars with a previous close before it")
    return x[t - seq_len + 1:t + 1][None], ob[t:t + 1]


def volatility(vol_pred, preprocessing: dict) -> np.ndarray:
    """Inverts the volatility target: sqrt of the sum of squared log returns over the horizon."""
    return np.exp(np.asarray(vol_pred) * preprocessing["vol_std"] + preprocessing["vol_mean"]) - 1e-12


# --- A small reader for header CSVs (generic time,open,high,low,close,volume; MT5 exports) ---

_ROLES = {
    "open": ("open", "o"), "high": ("high", "h"), "low": ("low", "l"), "close": ("close", "c"),
    "volume": ("volume", "vol", "real_volume", "v"), "tick_volume": ("tick_volume", "tickvol", "tick_vol"),
}
_OB_PLAIN = re.compile(r"^(bid|ask)s?_?(px|price|sz|size|qty|quantity|amount)_?(\d+)$")
_OB_TARDIS = re.compile(r"^(bid|ask)s\[(\d+)\]\.(price|amount|size|qty|quantity)$")


def _name(raw: str) -> str:
    return re.sub(r"[\s-]+", "_", raw.strip().strip('"').strip("<>").strip().lower())


def _ob_slot(name: str) -> int | None:
    m = _OB_PLAIN.match(name)
    if m:
        side, kind, level = m.group(1), m.group(2), int(m.group(3))
    else:
        m = _OB_TARDIS.match(name)
        if not m:
            return None
        side, kind, level = m.group(1), m.group(3), int(m.group(2)) + 1
    if not 1 <= level <= OB_LEVELS:
        return None
    block = (0 if side == "bid" else 2) + (0 if kind in ("px", "price") else 1)
    return block * OB_LEVELS + level - 1


def read_bars_csv(path: str) -> dict:
    """Bars from a CSV with a header naming open/high/low/close[/volume] (and optionally
    bid_px_1.. or bids[0].price.. columns), in file order. Volume is the tick volume when
    the volume column is all zero, as MetaTrader exports have it."""
    raw = open(path, "rb").read()
    if raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff"):
        text = raw.decode("utf-16")
    else:
        text = raw.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = max(("\t", ";", ",", "|"), key=first.count)
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if r and any(c.strip() for c in r)]
    names = [_name(c) for c in rows[0]]
    col = {}
    for role, candidates in _ROLES.items():
        col[role] = next((names.index(c) for c in candidates if c in names), None)
    for role in ("open", "high", "low", "close"):
        if col[role] is None:
            raise ValueError(f"{path}: no {role} column in {rows[0]}")
    data = rows[1:]

    def column(i):
        return np.array([float(r[i]) for r in data], dtype=np.float64)

    bars = {role: column(col[role]) for role in ("open", "high", "low", "close")}
    volume = column(col["volume"]) if col["volume"] is not None else np.zeros(len(data))
    if col["tick_volume"] is not None and not volume.any():
        volume = column(col["tick_volume"])
    bars["volume"] = volume
    slots = {i: s for i, s in ((i, _ob_slot(n)) for i, n in enumerate(names)) if s is not None}
    if slots:
        ob = np.zeros((len(data), ORDER_BOOK_DIM), dtype=np.float64)
        for i, s in slots.items():
            ob[:, s] = [float(r[i]) if r[i].strip() else 0.0 for r in data]
        bars["order_book"] = ob
    return bars


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    bars_path, export_path, out_path = argv
    with open(export_path, encoding="utf-8") as f:
        meta = json.load(f)
    preprocessing = meta.get("preprocessing", meta)
    x, ob = preprocess(read_bars_csv(bars_path), preprocessing)
    with open(out_path, "wb") as f:
        f.write(x.astype("<f4").tobytes())
        f.write(ob.astype("<f4").tobytes())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
