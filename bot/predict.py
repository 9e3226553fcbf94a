"""What an exported NexusBrain model predicts for the last bars of a CSV, in PyTorch, as the bot
runs it: the export loaded with nexus_transformer.load_export, the bars preprocessed with the
export's own statistics (preprocess.py, never recomputed), eval mode. `nexus predict` is the
same in the playground's engine; tests/cli/predict.test.ts holds the two equal to 1e-4.

    /usr/bin/python3 bot/predict.py --export DIR BARS.csv [--last N] [--json]

Reads header CSVs (time,open,high,low,close[,volume], MT5 exports) and headerless MetaTrader 4 /
HistData files (2022.09.29,13:43,o,h,l,c,v). Times without a zone are taken as UTC.
"""

from __future__ import annotations

import argparse
import calendar
import json
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nexus_transformer import load_export  # noqa: E402
from preprocess import model_inputs, preprocess, read_bars_csv, volatility  # noqa: E402

CLASSES = ("DOWN", "NEUTRAL", "UP")
TIME_NAMES = ("time", "timestamp", "datetime", "date_time", "open_time", "timestamp_utc", "gmt_time", "ts_event", "date")
_YMD = re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
                  r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$", re.I)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:[T ]?(\d{2})(\d{2})(\d{2})?(\d{1,6})?)?$")
_CLOCK = re.compile(r"^\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?$")


class UserError(Exception):
    """A problem with the user's files, printed as one line (exit code 2)."""


def parse_time(cell: str) -> float:
    """A time cell as UTC epoch milliseconds (DATA.md section 1 forms; no zone means UTC)."""
    s = cell.strip().strip('"')
    m = _YMD.match(s)
    if m:
        y, mo, d, h, mi, sec = (int(g or 0) for g in m.groups()[:6])
        ms = int((m.group(7) or "").ljust(3, "0")[:3] or 0)
        zone = m.group(8)
        offset = 0
        if zone and zone[0] in "+-":
            digits = zone[1:].replace(":", "")
            offset = (1 if zone[0] == "+" else -1) * (int(digits[:2]) * 60 + int(digits[2:] or 0))
        return (calendar.timegm((y, mo, d, h, mi, sec)) - offset * 60) * 1000.0 + ms
    m = _COMPACT.match(s)
    if m and 1 <= int(m.group(2)) <= 12:
        y, mo, d, h, mi, sec = (int(g or 0) for g in m.groups()[:6])
        return calendar.timegm((y, mo, d, h, mi, sec)) * 1000.0 + int((m.group(7) or "").ljust(3, "0")[:3] or 0)
    if re.fullmatch(r"\d{9,20}(\.\d+)?", s):
        v = float(s)  # unix seconds, ms, µs or ns, told apart by size
        return v * 1000 if v < 1e11 else v if v < 1e14 else v / 1e3 if v < 1e17 else v / 1e6
    raise UserError(f'"{cell}" is not a time this script reads (ISO 8601, 2024.01.02 00:00, 20240102 000000, unix)')


def iso_utc(ms: float) -> str:
    """As the playground writes times: "2024-01-02T00:00:00Z", milliseconds only when there are any."""
    dt = datetime.fromtimestamp(round(ms) / 1000, tz=timezone.utc)
    frac = int(round(ms)) % 1000
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + (f".{frac:03d}Z" if frac else "Z")


def _rows(path: str) -> tuple[list[list[str]], str]:
    raw = Path(path).read_bytes()
    text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("utf-8-sig")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise UserError(f"{path} is empty")
    delimiter = max(("\t", ";", ",", "|"), key=lines[0].count)
    return [[c.strip().strip('"') for c in ln.split(delimiter)] for ln in lines], delimiter


def _is_number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def read_bars(path: str) -> dict:
    """Bars with their times, cleaned as the playground's loader does (DATA.md section 2): rows
    with an impossible price dropped, sorted by time, the last row of a repeated time kept."""
    rows, _ = _rows(path)
    first = rows[0]
    if len(first) >= 5 and all(_is_number(c) for c in first[-4:]):
        # No header: MetaTrader 4 / HistData, a date and a time of day, or one time cell.
        split = len(first) >= 6 and bool(_CLOCK.match(first[1]))
        start = 2 if split else 1
        times = [(r[0] + " " + r[1]) if split else r[0] for r in rows]
        try:
            cols = np.array([[float(c) for c in r[start:start + 5]] + ([0.0] if len(r) < start + 5 else []) for r in rows])
        except ValueError as e:
            raise UserError(f"{path}: {e}") from None
        bars = {k: cols[:, i] for i, k in enumerate(("open", "high", "low", "close", "volume"))}
    else:
        try:
            bars = read_bars_csv(path)
        except ValueError as e:
            raise UserError(str(e)) from None
        names = [re.sub(r"[\s-]+", "_", c.strip("<>").strip().lower()) for c in first]
        if "date" in names and "time" in names:
            d, t = names.index("date"), names.index("time")
            times = [r[d] + " " + r[t] for r in rows[1:]]
        else:
            col = next((names.index(n) for n in TIME_NAMES if n in names), None)
            if col is None:
                raise UserError(f"{path}: no time column in {first}")
            times = [r[col] for r in rows[1:]]
    bars["time"] = np.array([parse_time(s) for s in times])
    return _clean(bars)


def _clean(bars: dict) -> dict:
    o, h, l, c, v = (bars[k] for k in ("open", "high", "low", "close", "volume"))
    ok = np.isfinite(np.stack([o, h, l, c, v])).all(axis=0) & (np.minimum.reduce([o, h, l, c]) > 0)
    ok &= (h >= np.maximum(o, c)) & (l <= np.minimum(o, c)) & (v >= 0)
    if not ok.all():
        print(f"predict.py: {int((~ok).sum())} rows with impossible prices were left out", file=sys.stderr)
    order = np.flatnonzero(ok)[np.argsort(bars["time"][ok], kind="stable")]
    t = bars["time"][order]
    order = order[np.append(t[1:] != t[:-1], True)]  # of equal times, the last row
    return {k: a[order] for k, a in bars.items()}


def predict(export_dir: str, csv_path: str, last: int = 10) -> tuple[dict, list[dict]]:
    """The export's metadata and predictions for the last `last` bars that have a full window, oldest first."""
    if not (Path(export_dir) / "nexus_transformer.json").is_file():
        raise UserError(f"no export in {export_dir}: nexus_transformer.json is missing")
    if not (Path(export_dir) / "nexus_transformer.pth").is_file():
        raise UserError(f"no weights in {export_dir}: nexus_transformer.pth is missing")
    if not Path(csv_path).is_file():
        raise UserError(f"cannot read {csv_path}")
    model, meta = load_export(export_dir)
    pre = meta.get("preprocessing")
    if pre is None:
        raise UserError(f"{export_dir}: the export has no preprocessing statistics (an untrained export)")
    seq_len = int(meta["config"]["seq_len"])
    bars = read_bars(csv_path)
    n = len(bars["close"])
    if n - 1 < seq_len:
        raise UserError(f"the file has {n} bars; this model reads windows of {seq_len} bars, so it needs "
                        f"at least {seq_len + 1} (the first bar has no previous close)")
    x, ob = preprocess(bars, pre)
    ts = list(range(max(seq_len, n - last), n))
    windows = [model_inputs(x, ob, t, seq_len) for t in ts]
    xb = torch.from_numpy(np.concatenate([w[0] for w in windows]))  # (B, T, 5)
    obb = torch.from_numpy(np.concatenate([w[1] for w in windows]))  # (B, 40)
    with torch.no_grad():
        logits, vol = model(xb, obb)
    probs = torch.softmax(logits, dim=1).numpy()
    vol = vol[:, 0].numpy()
    return meta, [{
        "t": t,
        "time": iso_utc(bars["time"][t]),
        "probabilities": [float(p) for p in probs[i]],
        "class": CLASSES[int(np.argmax(probs[i]))],
        "vol_pred": float(vol[i]),
        "log_volatility": float(vol[i] * pre["vol_std"] + pre["vol_mean"]),
        "volatility": float(volatility(vol[i], pre)),
    } for i, t in enumerate(ts)]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="predict.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--export", required=True, help="folder with nexus_transformer.json and .pth")
    parser.add_argument("csv", help="bars to predict on")
    parser.add_argument("--last", type=int, default=10, help="bars to predict for (default 10)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    try:
        if args.last < 1:
            raise UserError(f"--last must be at least 1 (got {args.last})")
        meta, predictions = predict(args.export, args.csv, args.last)
    except (UserError, OSError, KeyError, RuntimeError, ValueError) as e:
        # One line a trader can act on; torch's own errors are already sentences.
        print(f"predict.py: {str(e).splitlines()[0] if str(e) else type(e).__name__}", file=sys.stderr)
        return 2
    config, horizon = meta["config"], meta["preprocessing"]["horizon"]
    if args.json:  # the shape `nexus predict --json` prints
        print(json.dumps({"config": config, "horizon": horizon, "predictions": predictions}, indent=2))
        return 0
    head = ["t", "time", "DOWN", "NEUTRAL", "UP", "class", "vol_pred", "volatility"]
    rows = [[str(p["t"]), p["time"], *(f"{v:.3f}" for v in p["probabilities"]), p["class"], f"{p['vol_pred']:.3f}",
             f"{p['volatility']:.3e}"] for p in predictions]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    print(f"{config.get('preset', 'custom')} model, {config['seq_len']}-bar windows, {horizon}-bar horizon")
    for r in [head, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
