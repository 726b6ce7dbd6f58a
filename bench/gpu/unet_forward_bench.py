"""GPU baseline: checks the PyTorch UNet against the reference fixture, then times a batch-64 forward pass.
Usage: python3 unet_forward_bench.py <fixture_model_folder> <weights_folder_for_timing> <out.json>"""
import json
import sys
import time

import torch
from safetensors.torch import load_file

from unet2d_reference import load

fixture, timed, out = sys.argv[1], sys.argv[2], sys.argv[3]
model, _ = load(fixture)
io = load_file(f"{fixture}/io.safetensors")
with torch.no_grad():
    got = model(io["in.sample"], io["in.timestep"])
ref = io["out.sample"]
rel = ((got - ref).abs().max() / ref.abs().max()).item()
print(f"fixture relative error {rel:.2e}")

model, cfg = load(timed)
model = model.cuda().eval()
size, channels = cfg["sample_size"], cfg["in_channels"]
x = torch.randn(64, channels, size, size, device="cuda")
t = torch.full((64,), 500, device="cuda", dtype=torch.long)
labels = torch.zeros(64, dtype=torch.long, device="cuda") if cfg.get("num_class_embeds") else None
with torch.no_grad():
    for _ in range(10):
        model(x, t, labels)
    torch.cuda.synchronize()
    times = []
    for _ in range(50):
        start = time.perf_counter()
        model(x, t, labels)
        torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
times.sort()
result = {"fixture_rel_error": rel, "median_ms": times[len(times) // 2] * 1000, "min_ms": times[0] * 1000, "batch": 64, "config": timed}
print(json.dumps(result))
json.dump(result, open(out, "w"))
