"""A plain-PyTorch UNet2DModel (diffusers' module tree and parameter names) used only as the GPU timing baseline
for our TorchSharp UNet: the same weights load into both, and the script checks it reproduces the reference fixture
before timing. Written for this project from the architecture description (Ho et al. 2020, Appendix B), not copied.
"""
import json
import math

import torch
import torch.nn.functional as F
from torch import nn


def timestep_embedding(t, dim, flip_sin_to_cos, shift, max_period=10000.0):
    half = dim // 2
    exponent = -math.log(max_period) * torch.arange(half, dtype=torch.float32, device=t.device) / (half - shift)
    angles = t[:, None].float() * torch.exp(exponent)[None, :]
    emb = torch.cat([torch.sin(angles), torch.cos(angles)], dim=-1)
    if flip_sin_to_cos:
        emb = torch.cat([emb[:, half:], emb[:, :half]], dim=-1)
    return F.pad(emb, (0, 1)) if dim % 2 else emb


class TimestepEmbedding(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.linear_1, self.linear_2 = nn.Linear(cin, cout), nn.Linear(cout, cout)

    def forward(self, x):
        return self.linear_2(F.silu(self.linear_1(x)))


class Resnet(nn.Module):
    def __init__(self, cin, cout, temb, groups, eps, scale=1.0):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin, eps)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time_emb_proj = nn.Linear(temb, cout)
        self.norm2 = nn.GroupNorm(groups, cout, eps)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.conv_shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None
        self.scale = scale

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.time_emb_proj(F.silu(emb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        if self.conv_shortcut is not None:
            x = self.conv_shortcut(x)
        return (x + h) / self.scale


class Attention(nn.Module):
    def __init__(self, ch, head_dim, groups, eps, scale=1.0):
        super().__init__()
        self.heads = ch // head_dim
        self.group_norm = nn.GroupNorm(groups, ch, eps)
        self.to_q, self.to_k, self.to_v = nn.Linear(ch, ch), nn.Linear(ch, ch), nn.Linear(ch, ch)
        self.to_out = nn.ModuleList([nn.Linear(ch, ch)])
        self.scale = scale

    def forward(self, x):
        b, c, h, w = x.shape
        y = self.group_norm(x).view(b, c, h * w).transpose(1, 2)
        q, k, v = (p(y).view(b, -1, self.heads, c // self.heads).transpose(1, 2) for p in (self.to_q, self.to_k, self.to_v))
        y = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(b, h * w, c)
        y = self.to_out[0](y).transpose(1, 2).reshape(b, c, h, w)
        return (y + x) / self.scale


class Down(nn.Module):
    def __init__(self, kind, layers, cin, cout, temb, down, cfg):
        super().__init__()
        g, eps = cfg["norm_num_groups"], cfg.get("norm_eps", 1e-5)
        self.resnets = nn.ModuleList([Resnet(cin if i == 0 else cout, cout, temb, g, eps) for i in range(layers)])
        self.attentions = nn.ModuleList([Attention(cout, cfg["attention_head_dim"] or cout, g, eps) for _ in range(layers)]) if kind == "AttnDownBlock2D" else None
        if down:
            self.downsamplers = nn.ModuleList([nn.Module()])
            self.downsamplers[0].conv = nn.Conv2d(cout, cout, 3, stride=2, padding=cfg.get("downsample_padding", 1))

    def forward(self, x, emb):
        outs = []
        for i, r in enumerate(self.resnets):
            x = r(x, emb)
            if self.attentions is not None:
                x = self.attentions[i](x)
            outs.append(x)
        if hasattr(self, "downsamplers"):
            x = self.downsamplers[0].conv(x)
            outs.append(x)
        return x, outs


class Up(nn.Module):
    def __init__(self, kind, layers, cin, cout, prev, temb, up, cfg):
        super().__init__()
        g, eps = cfg["norm_num_groups"], cfg.get("norm_eps", 1e-5)
        self.resnets = nn.ModuleList([
            Resnet((prev if i == 0 else cout) + (cin if i == layers - 1 else cout), cout, temb, g, eps) for i in range(layers)])
        self.attentions = nn.ModuleList([Attention(cout, cfg["attention_head_dim"] or cout, g, eps) for _ in range(layers)]) if kind == "AttnUpBlock2D" else None
        if up:
            self.upsamplers = nn.ModuleList([nn.Module()])
            self.upsamplers[0].conv = nn.Conv2d(cout, cout, 3, padding=1)

    def forward(self, x, skips, emb):
        for i, r in enumerate(self.resnets):
            x = r(torch.cat([x, skips.pop()], dim=1), emb)
            if self.attentions is not None:
                x = self.attentions[i](x)
        if hasattr(self, "upsamplers"):
            x = self.upsamplers[0].conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))
        return x


class Mid(nn.Module):
    def __init__(self, ch, temb, cfg):
        super().__init__()
        g, eps, s = cfg["norm_num_groups"], cfg.get("norm_eps", 1e-5), cfg.get("mid_block_scale_factor", 1)
        self.resnets = nn.ModuleList([Resnet(ch, ch, temb, g, eps, s), Resnet(ch, ch, temb, g, eps, s)])
        self.attentions = nn.ModuleList([Attention(ch, cfg["attention_head_dim"] or ch, g, eps, s)])

    def forward(self, x, emb):
        return self.resnets[1](self.attentions[0](self.resnets[0](x, emb)), emb)


class UNet2D(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        boc, layers = cfg["block_out_channels"], cfg["layers_per_block"]
        temb = boc[0] * 4
        self.time_embedding = TimestepEmbedding(boc[0], temb)
        if cfg.get("num_class_embeds"):
            self.class_embedding = nn.Embedding(cfg["num_class_embeds"], temb)
        self.conv_in = nn.Conv2d(cfg["in_channels"], boc[0], 3, padding=1)
        self.down_blocks = nn.ModuleList()
        cout = boc[0]
        for i, kind in enumerate(cfg["down_block_types"]):
            cin, cout = cout, boc[i]
            self.down_blocks.append(Down(kind, layers, cin, cout, temb, i < len(boc) - 1, cfg))
        self.mid_block = Mid(boc[-1], temb, cfg)
        self.up_blocks = nn.ModuleList()
        rev = list(reversed(boc))
        cout = rev[0]
        for i, kind in enumerate(cfg["up_block_types"]):
            prev, cout, cin = cout, rev[i], rev[min(i + 1, len(boc) - 1)]
            self.up_blocks.append(Up(kind, layers + 1, cin, cout, prev, temb, i < len(boc) - 1, cfg))
        self.conv_norm_out = nn.GroupNorm(cfg["norm_num_groups"], boc[0], cfg.get("norm_eps", 1e-5))
        self.conv_out = nn.Conv2d(boc[0], cfg["out_channels"], 3, padding=1)

    def forward(self, x, t, labels=None):
        cfg = self.cfg
        t = t.expand(x.shape[0]) if t.dim() == 1 and t.numel() == 1 else t
        emb = self.time_embedding(timestep_embedding(t, cfg["block_out_channels"][0], cfg.get("flip_sin_to_cos", True), cfg.get("freq_shift", 0)).to(x.dtype))
        if labels is not None and hasattr(self, "class_embedding"):
            emb = emb + self.class_embedding(labels).to(x.dtype)
        x = self.conv_in(x)
        skips = [x]
        for block in self.down_blocks:
            x, outs = block(x, emb)
            skips += outs
        x = self.mid_block(x, emb)
        for block in self.up_blocks:
            x = block(x, skips, emb)
        return self.conv_out(F.silu(self.conv_norm_out(x)))


def load(path):
    """A diffusers folder (config.json + diffusion_pytorch_model.safetensors) or one of our checkpoints, whose
    safetensors metadata holds the config under "config"."""
    from safetensors import safe_open
    from safetensors.torch import load_file
    if path.endswith(".safetensors"):
        with safe_open(path, "pt") as f:
            cfg = json.loads(f.metadata()["config"])
        weights = path
    else:
        cfg = json.load(open(f"{path}/config.json"))
        weights = f"{path}/diffusion_pytorch_model.safetensors"
    model = UNet2D(cfg)
    model.load_state_dict(load_file(weights), strict=True)
    return model, cfg
