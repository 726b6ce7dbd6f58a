#!/usr/bin/env bash
# One device call: PyTorch and TorchSharp (CUDA) UNet2DModel forward at batch 64 on the same GPU, each first checked
# against the reference fixture. Results land in $OUT.
# Prepare here:  ../shared/gpu/pack-dotnet.sh .device && dotnet publish hosts/Diffusion.Cli -c Release -r linux-x64 --self-contained false -o .device/app
set -uo pipefail
out=${OUT:-/tmp/out}
fixture=tests/fixtures/reference/models/unet2d_ddpm_tiny
weights=pipelines/models/mnist-ddpm.safetensors
(cd bench/gpu && python3 unet_forward_bench.py "../../$fixture" "../../$weights" "$out/pytorch.json") 2>&1 | tee "$out/pytorch.log"
bash .device/on-device.sh dotnet .device/app/diffuse.dll bench unet --device cuda --fixture "$fixture" --weights "$weights" --batch 64 --json "$out/torchsharp.json" 2>&1 | tee "$out/torchsharp.log"
(cd bench/gpu && python3 unet_forward_bench.py "../../$fixture" "../../$weights" "$out/pytorch-again.json") 2>&1 | tee -a "$out/pytorch.log"
