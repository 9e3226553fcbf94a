"""The pandas baseline of the data benchmark: read_csv of a generic M1 file, its times parsed,
the five features of spec/DATA.md §3 and their standardization (training-split statistics,
clip ±10, float32). Less than loadBars + prepareDataset do (no validation, labels or splits).

    /usr/bin/python3 bench/py/read_csv.py FILE   ->   {"rows": n, "seconds": s, "peak_rss_bytes": n, ...}
"""

import json
import resource
import sys
import time

import numpy as np
import pandas as pd


def rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def main(path: str) -> None:
    baseline = rss_bytes()  # after importing pandas and numpy
    t0 = time.perf_counter()
    df = pd.read_csv(path)
    t_read = time.perf_counter()
    time_ms = pd.to_datetime(df["timestamp"], format="%Y-%m-%d %H:%M:%S").astype("int64") // 1_000_000
    prev = df["close"].shift(1)
    f = np.column_stack([
        np.log(df["open"] / prev), np.log(df["high"] / prev), np.log(df["low"] / prev),
        np.log(df["close"] / prev), np.log1p(df["volume"]),
    ])[1:]  # bar 0 has no previous close
    train = f[: int(len(f) * 0.7)]  # DATA.md: statistics from the training split alone
    mean = train.mean(axis=0)
    std = train.std(axis=0)
    std[std == 0] = 1.0
    features = np.clip((f - mean) / std, -10, 10).astype(np.float32)
    t_end = time.perf_counter()
    assert len(time_ms) == len(df) and features.shape == (len(df) - 1, 5)
    print(json.dumps({
        "rows": len(df),
        "seconds": t_end - t0,
        "read_seconds": t_read - t0,
        "peak_rss_bytes": rss_bytes(),
        "baseline_rss_bytes": baseline,
        "pandas": pd.__version__,
        "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main(sys.argv[1])
