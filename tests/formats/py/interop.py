"""PyTorch side of tests/formats/interop.test.ts, run with Debian's /usr/bin/python3 (torch 1.13).

  interop.py write DIR  torch.save files (+ values.json with their exact values) and a
                        safetensors file written with struct+json (no safetensors package)
  interop.py check DIR  loads the app's ours.pth (weights_only=True, load_state_dict strict)
                        and ours.safetensors, compares both with ours.json; prints a JSON report
"""
import json
import struct
import sys
from collections import OrderedDict

import torch


class Bot(torch.nn.Module):
    """A real module, so its state_dict() carries _metadata."""

    def __init__(self):
        super().__init__()
        self.enc = torch.nn.TransformerEncoderLayer(32, 2, 64, batch_first=True)
        self.head = torch.nn.Linear(32, 3)


def values(sd):
    return {k: {"shape": list(t.shape), "data": t.detach().contiguous().reshape(-1).tolist()} for k, t in sd.items()}


def write(d):
    torch.manual_seed(7)
    plain = OrderedDict(
        [("input_proj.weight", torch.randn(6, 5)), ("input_proj.bias", torch.randn(6)),
         ("pos_encoder.pe", torch.randn(1, 4, 6)), ("scalar", torch.tensor(2.5)), ("empty", torch.zeros(0, 3))]
    )
    torch.save(plain, f"{d}/dict.pth")
    bot = Bot()
    assert hasattr(bot.state_dict(), "_metadata")
    torch.save(bot.state_dict(), f"{d}/module.pth")
    # The same tensors without _metadata: data.pkl must equal the app's byte for byte.
    torch.save(OrderedDict(bot.state_dict()), f"{d}/plain_module.pth")
    # Views: a transposed (non-contiguous) tensor and two rows sharing one storage.
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    views = OrderedDict([("t", base.t()), ("row1", base[1]), ("row2", base[2]), ("cols", base[:, 1:3])])
    torch.save(views, f"{d}/views.pth")

    st = OrderedDict([("a.weight", torch.randn(3, 2)), ("a.bias", torch.randn(3)), ("cube", torch.randn(2, 2, 2))])
    header, blobs, offset = {"__metadata__": {"source": "python"}}, [], 0
    for k, t in st.items():
        b = t.numpy().astype("<f4").tobytes()
        header[k] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    with open(f"{d}/python.safetensors", "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))

    expected = {"dict.pth": values(plain), "module.pth": values(bot.state_dict()), "views.pth": values(views),
                "python.safetensors": values(st)}
    with open(f"{d}/values.json", "w") as f:
        json.dump(expected, f)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert (8 + n) % 8 == 0, "header not padded to 8 bytes"
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    out = OrderedDict()
    for k, e in header.items():
        a, b = e["data_offsets"]
        assert e["dtype"] == "F32"
        t = torch.frombuffer(bytearray(raw[8 + n + a:8 + n + b]), dtype=torch.float32) if b > a else torch.zeros(0)
        out[k] = t.reshape(e["shape"])
    return out, meta


def check(d):
    with open(f"{d}/ours.json") as f:
        expected = json.load(f)
    report = {}
    sd = torch.load(f"{d}/ours.pth", weights_only=True)
    report["pth_type"] = type(sd).__name__
    report["pth_keys"] = list(sd.keys())
    report["pth_equal"] = all(
        sd[k].dtype == torch.float32 and list(sd[k].shape) == e["shape"] and sd[k].reshape(-1).tolist() == e["data"]
        for k, e in expected.items()
    ) and len(sd) == len(expected)
    bot = Bot()
    bot.load_state_dict(sd, strict=True)
    report["strict_load"] = torch.equal(bot.head.weight, sd["head.weight"])
    st, meta = read_safetensors(f"{d}/ours.safetensors")
    report["st_keys"] = list(st.keys())
    report["st_meta"] = meta
    report["st_equal"] = all(st[k].reshape(-1).tolist() == e["data"] and list(st[k].shape) == e["shape"]
                             for k, e in expected.items()) and len(st) == len(expected)
    report["extra_ok"] = True
    if len(sys.argv) > 3:  # further .pth files that must load with weights_only=True
        for p in sys.argv[3:]:
            torch.load(f"{d}/{p}", weights_only=True)
    print(json.dumps(report))


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](sys.argv[2])
