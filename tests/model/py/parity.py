"""Parity harness for tests/model: the bot's module (bot/nexus_transformer.py) on the
same weights and inputs as the TypeScript model.

usage: parity.py CONFIG_JSON save-torch       SEED PTH_OUT IO_OUT  (PyTorch-initialized weights, inputs, outputs)
       parity.py CONFIG_JSON run-pth          PTH IO_IN OUT        (outputs of our .pth on given inputs)
       parity.py CONFIG_JSON run-safetensors  FILE IO_IN OUT       (same for our .safetensors)
       parity.py CONFIG_JSON grads            PTH IO_IN OUT        (loss and gradients, TRAINING.md loss)
       parity.py CONFIG_JSON init-stats       SEED OUT             (per-tensor min, max, std of PyTorch's init)
"""

import json
import struct
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bot"))
from nexus_transformer import TimeSeriesTransformer, config_kwargs  # noqa: E402

torch.set_num_threads(1)


def read_safetensors(path):
    """The safetensors layout in a few lines (the `safetensors` package is not in Debian)."""
    raw = Path(path).read_bytes()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_len])
    header.pop("__metadata__", None)
    data = raw[8 + header_len :]
    state = {}
    for name, entry in header.items():
        assert entry["dtype"] == "F32", entry
        start, end = entry["data_offsets"]
        state[name] = torch.frombuffer(bytearray(data[start:end]), dtype=torch.float32).reshape(entry["shape"])
    return state


def load_state(path):
    return read_safetensors(path) if path.endswith(".safetensors") else torch.load(path, weights_only=True)


def build(config):
    return TimeSeriesTransformer(**config_kwargs(config))


def outputs(model, io):
    x = torch.tensor(io["x"], dtype=torch.float32)
    ob = torch.tensor(io["ob"], dtype=torch.float32)
    with torch.no_grad():
        trend, vol = model.eval()(x, ob)
    return {"trend_logits": trend.tolist(), "vol_pred": vol.tolist()}


def main():
    config = json.loads(sys.argv[1])
    command = sys.argv[2]
    if command == "save-torch":
        seed, pth_out, io_out = int(sys.argv[3]), sys.argv[4], sys.argv[5]
        torch.manual_seed(seed)
        model = build(config)
        torch.save(model.state_dict(), pth_out)
        batch = 3
        io = {"x": torch.randn(batch, config["seq_len"], 5).tolist(), "ob": torch.randn(batch, 40).tolist()}
        io.update(outputs(model, io))
        Path(io_out).write_text(json.dumps(io))
        return
    if command == "init-stats":
        torch.manual_seed(int(sys.argv[3]))
        stats = {name: {"min": t.min().item(), "max": t.max().item(), "std": t.std(unbiased=False).item()}
                 for name, t in build(config).state_dict().items()}
        Path(sys.argv[4]).write_text(json.dumps(stats))
        return
    pth, io_in, out = sys.argv[3], sys.argv[4], sys.argv[5]
    model = build(config)
    model.load_state_dict(load_state(pth), strict=True)
    io = json.loads(Path(io_in).read_text())
    if command in ("run-pth", "run-safetensors"):
        Path(out).write_text(json.dumps(outputs(model, io)))
    elif command == "grads":
        model.eval()  # dropout off: the gradient of the same deterministic function
        x = torch.tensor(io["x"], dtype=torch.float32)
        ob = torch.tensor(io["ob"], dtype=torch.float32)
        label = torch.tensor(io["label"], dtype=torch.long)
        vol = torch.tensor(io["vol"], dtype=torch.float32)
        trend, vol_pred = model(x, ob)
        loss = torch.nn.functional.cross_entropy(trend, label)
        if io["vol_loss_weight"] != 0:  # 0 is the guide's script: cross-entropy alone
            loss = loss + io["vol_loss_weight"] * torch.nn.functional.mse_loss(vol_pred.squeeze(1), vol)
        loss.backward()
        grads = {name: p.grad.flatten().tolist() for name, p in model.named_parameters() if p.grad is not None}
        Path(out).write_text(json.dumps({"loss": loss.item(), "grads": grads}))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
