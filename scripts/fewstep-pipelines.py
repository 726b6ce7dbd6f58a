#!/usr/bin/env python3
"""Writes the few-step experiment pipelines (pipelines/fewstep-*.json) for docs/fewstep.md.

Every pipeline is plain JSON; this script only keeps the many near-identical rows consistent. Run it from the
repository root after changing a setting here, then commit the JSON files it writes.
"""
import json
import os

COUNT = 2000          # samples per row
SAMPLE_SEED = 1       # noise seed of every row
EVAL_SEED = 12345     # reference points and projections of eval.points
KEYS = ["swd", "swd_floor", "swd_ratio", "mmd", "mmd_floor", "modes_found", "off_mode", "nfe", "seconds"]

DATASETS = {
    # grid: the v-prediction teacher trained by fewstep-teacher-2d.json; moons: the shipped epsilon MLP of the toy2d
    # pipelines (same linear 1000-step schedule), so no second teacher has to be trained on the CPU.
    "grid": {"shape": "grid_gaussians", "teacher": "models/toy2d-grid-teacher.safetensors", "teacher_kind": "v-prediction",
             "modes": True, "range": [-3, 3]},
    "moons": {"shape": "two_moons", "teacher": "models/toy2d-two-moons.safetensors", "teacher_kind": "epsilon",
              "modes": False, "range": [-2, 2]},
}

SCHEDULER = {
    "type": "scheduler.discrete",
    "params": {"num_train_timesteps": 1000, "beta_schedule": "linear", "beta_start": 0.0001, "beta_end": 0.02,
               "timestep_spacing": "trailing"},
}


def base(name):
    d = DATASETS[name]
    return {
        "data": {"type": "dataset.toy2d", "params": {"shape": d["shape"]}},
        "truth": {"type": "dataset.sample_points", "inputs": {"dataset": "data"}, "params": {"count": COUNT, "seed": 7}},
    }


def add_row(nodes, rows, name, ds, row_id, label, sample_inputs, steps, plot=False):
    d = DATASETS[ds]
    nodes[f"sample_{row_id}"] = {"type": "sample", "inputs": sample_inputs,
                                 "params": {"steps": steps, "count": COUNT, "seed": SAMPLE_SEED}}
    nodes[f"eval_{row_id}"] = {"type": "eval.points", "inputs": {"samples": f"sample_{row_id}.samples", "dataset": "data"},
                               "params": {"seed": EVAL_SEED, "label": label}}
    merged = [f"eval_{row_id}.metrics", f"sample_{row_id}.metrics"]
    if d["modes"]:
        nodes[f"modes_{row_id}"] = {"type": "eval.modes", "inputs": {"samples": f"sample_{row_id}.samples"},
                                    "params": {"preset": "grid_gaussians", "max_distance": 0.25, "label": label}}
        merged.insert(1, f"modes_{row_id}.metrics")
    # Mode counts exist only for a dataset with modes (the grid); asking moons rows for them failed every merge.
    keys = KEYS if d["modes"] else [k for k in KEYS if k not in ("modes_found", "off_mode")]
    nodes[f"row_{row_id}"] = {"type": "metrics.merge", "inputs": {"metrics": merged},
                              "params": {"label": label, "keys": keys}}
    rows.append(f"row_{row_id}.metrics")
    if plot:
        nodes[f"plot_{row_id}"] = {"type": "output.scatter_png",
                                   "inputs": {"points": f"sample_{row_id}.samples", "reference": "truth"},
                                   "params": {"path": f"{name}-{row_id}.png", "title": label, "range": d["range"]}}


def table(nodes, rows, name, title):
    nodes["table"] = {"type": "output.metrics_table", "inputs": {"metrics": rows},
                      "params": {"path": f"{name}.md", "title": title}}


def teacher_nodes(ds):
    return {
        "teacher": {"type": "denoiser.mlp2d", "params": {"checkpoint": DATASETS[ds]["teacher"]}},
        "sched": SCHEDULER,
    }


def baselines(ds):
    name = f"fewstep-{ds}-baselines"
    nodes = base(ds) | teacher_nodes(ds)
    nodes["ddpm"] = {"type": "sampler.ddpm", "params": {"clip_sample": False}}
    nodes["ddim"] = {"type": "sampler.ddim", "params": {"eta": 0.0, "clip_sample": False, "previous_timestep": "next"}}
    nodes["dpmpp_2m"] = {"type": "sampler.dpmpp_2m", "params": {"algorithm_type": "dpmsolver++", "solver_order": 2}}
    rows = []
    inputs = lambda s: {"sampler": s, "denoiser": "teacher", "scheduler": "sched"}
    add_row(nodes, rows, name, ds, "ddpm_1000", "DDPM-1000", inputs("ddpm"), 1000, plot=True)
    for n in (64, 32, 8, 4, 2, 1):
        add_row(nodes, rows, name, ds, f"ddim_{n}", f"DDIM-{n}", inputs("ddim"), n, plot=n == 4)
    for n in (8, 4, 2, 1):
        add_row(nodes, rows, name, ds, f"dpmpp_2m_{n}", f"DPM++ 2M-{n}", inputs("dpmpp_2m"), n, plot=n == 4)
    table(nodes, rows, name, f"{DATASETS[ds]['shape']}: the {DATASETS[ds]['teacher_kind']} teacher with DDPM, DDIM and DPM-Solver++ 2M")
    return name, nodes


# DDGAN on points (docs/fewstep.md, "DDGAN diagnosis"): a discriminator on raw coordinates stayed at chance on the sharp
# grid, so both networks see positional encodings of the points; beta_max 8 instead of the paper's 20 keeps signal in
# more than two of the T levels of data with std 1.4; an EMA decay of 0.99 (0.999 over 1,200 steps leaves 30 % of the
# initial weights in the average).
DDGAN_STEPS = 1200
DDGAN_BETA_MAX = 8.0


def ddgan_nodes(nodes, name, t, beta_max, suffix=""):
    """Scheduler, generator and train.ddgan nodes of one DDGAN chain with T = t levels."""
    nodes[f"chain_{t}{suffix}"] = {"type": "scheduler.ddgan", "params": {"steps": t, "beta_max": beta_max}}
    nodes[f"gen_{t}{suffix}"] = {"type": "denoiser.ddgan", "params": {"sample_shape": [2], "hidden": 256, "layers": 3,
                                                                       "fourier_features": 4, "latent_dim": 16,
                                                                       "embedding_dim": 64, "seed": 0}}
    nodes[f"train_{t}{suffix}"] = {"type": "train.ddgan",
                                   "inputs": {"data": "data", "generator": f"gen_{t}{suffix}", "scheduler": f"chain_{t}{suffix}"},
                                   "params": {"steps": DDGAN_STEPS, "batch": 256, "lr_g": 5e-4, "lr_d": 5e-4, "betas": [0.5, 0.9],
                                              "r1_gamma": 0.05, "ema_decay": 0.99, "disc_hidden": 256, "disc_layers": 3,
                                              "disc_fourier_features": 2, "seed": 0,
                                              "checkpoint_path": f"{name}-t{t}.safetensors", "label": f"train DDGAN T={t}"}}


def ddgan(ds):
    name = f"fewstep-{ds}-ddgan"
    nodes = base(ds)
    nodes["ddgan"] = {"type": "sampler.ddgan", "params": {}}
    rows = []
    for t in (1, 2, 4, 8):
        ddgan_nodes(nodes, name, t, DDGAN_BETA_MAX)
        add_row(nodes, rows, name, ds, f"t{t}", f"DDGAN T={t}",
                {"sampler": "ddgan", "denoiser": f"train_{t}.denoiser", "scheduler": f"train_{t}.scheduler"}, t,
                plot=t == 4)
        rows.insert(len(rows) - 1, f"train_{t}.metrics")
    table(nodes, rows, name, f"{DATASETS[ds]['shape']}: Denoising Diffusion GAN, T = 1, 2, 4, 8 (T network calls)")
    return name, nodes


def ddgan_t4_gentle(ds):
    """T = 4 with beta_max 4: the last step starts at SNR 12.6 instead of 6.4 (docs/fewstep.md, "DDGAN on the grid")."""
    name = f"fewstep-{ds}-ddgan-t4-bmax4"
    nodes = base(ds)
    nodes["ddgan"] = {"type": "sampler.ddgan", "params": {}}
    rows = []
    ddgan_nodes(nodes, name, 4, 4.0)
    # 6,000 steps: at 1,200 it had split x into the 5 columns only, at 2,400 one corner held 1.35 % (docs/fewstep.md).
    nodes["train_4"]["params"]["steps"] = 6000
    add_row(nodes, rows, name, ds, "t4", "DDGAN T=4, beta_max 4",
            {"sampler": "ddgan", "denoiser": "train_4.denoiser", "scheduler": "train_4.scheduler"}, 4, plot=True)
    rows.insert(0, "train_4.metrics")
    table(nodes, rows, name, f"{DATASETS[ds]['shape']}: Denoising Diffusion GAN, T = 4, beta_max 4")
    return name, nodes


def progressive(ds):
    name = f"fewstep-{ds}-progressive"
    nodes = base(ds) | teacher_nodes(ds)
    nodes["ddim"] = {"type": "sampler.ddim", "params": {"eta": 0.0, "clip_sample": False, "previous_timestep": "next"}}
    common = {"batch": 256, "lr": 3e-4, "lr_schedule": "linear", "student_prediction": "v_prediction",
              "weighting": "truncated_snr", "times_per_batch": 8, "grad_clip": 1.0, "seed": 0}
    chain = [("distill_8", "teacher", 64, 8, 1500), ("distill_4", "distill_8.denoiser", 8, 4, 1500),
             ("distill_2", "distill_4.denoiser", 4, 2, 1500), ("distill_1", "distill_2.denoiser", 2, 1, 1500)]
    rows = []
    for node, teacher, n_from, n_to, steps in chain:
        nodes[node] = {"type": "train.distill",
                       "inputs": {"data": "data", "teacher": teacher, "scheduler": "sched", "sampler": "ddim"},
                       "params": common | {"teacher_steps": n_from, "student_steps": n_to, "steps_per_round": steps,
                                           "checkpoint_path": f"{name}-{n_to}.safetensors",
                                           "label": f"distill {n_from}->{n_to}"}}
        rows.append(f"{node}.metrics")
        add_row(nodes, rows, name, ds, f"student_{n_to}", f"progressive student, {n_to} steps",
                {"sampler": "ddim", "denoiser": f"{node}.denoiser", "scheduler": "sched"}, n_to, plot=n_to == 4)
    table(nodes, rows, name, f"{DATASETS[ds]['shape']}: progressive distillation of the teacher's DDIM-64 (students sampled with DDIM)")
    return name, nodes


def consistency_nodes(nodes, rows, name, ds, teacher, label):
    """Consistency distillation of `teacher` (Heun ODE steps, 40 Karras levels) and its rows at 1, 2 and 4 calls."""
    nodes["heun"] = {"type": "sampler.heun", "params": {}}
    nodes["cd"] = {"type": "train.consistency",
                   "inputs": {"data": "data", "teacher": teacher, "scheduler": "sched", "sampler": "heun"},
                   "params": {"discretisation": 40, "steps": 3000, "batch": 256, "lr": 3e-4, "target_decay": 0.95,
                              "sigma_data": 0.5, "times_per_batch": 8, "grad_clip": 1.0, "seed": 0,
                              "checkpoint_path": f"{name}.safetensors", "label": "consistency distillation"}}
    nodes["cm"] = {"type": "sampler.consistency", "params": {}}
    for n in (1, 2, 4):
        add_row(nodes, rows, name, ds, f"cm_{n}", f"{label}, {n} step{'s' if n > 1 else ''}",
                {"sampler": "cm", "denoiser": "cd.denoiser", "scheduler": "sched"}, n, plot=n == 4)


def consistency(ds):
    name = f"fewstep-{ds}-consistency"
    nodes = base(ds) | teacher_nodes(ds)
    rows = ["cd.metrics"]
    consistency_nodes(nodes, rows, name, ds, "teacher", "consistency")
    table(nodes, rows, name, f"{DATASETS[ds]['shape']}: consistency distillation of the teacher (Heun ODE steps), multistep consistency sampling")
    return name, nodes


def moons_consistency_v():
    """Consistency distillation on moons from a v-prediction teacher trained here (the shipped moons MLP predicts
    epsilon, whose x0 estimate x - sigma * eps multiplies its error by sigma up to 157 at the Karras levels): the
    teacher's recipe is the grid teacher's (fewstep-teacher-2d.json) with fewer steps, then the same consistency
    training as fewstep-moons-consistency.json, with the new teacher's DDIM rows at equal calls beside it."""
    name = "fewstep-moons-consistency-v"
    ds = "moons"
    nodes = base(ds)
    nodes["sched"] = SCHEDULER
    nodes["net"] = {"type": "denoiser.mlp2d", "params": {"hidden": 256, "layers": 4, "time_embedding_dim": 64, "prediction": "v_prediction",
                                                          "time_input": "timestep", "seed": 0}}
    nodes["teacher"] = {"type": "train.denoising", "inputs": {"data": "data", "denoiser": "net", "scheduler": "sched"},
                        "params": {"steps": 6000, "batch": 512, "lr": 2e-3, "lr_schedule": "cosine", "lr_warmup_steps": 300,
                                   "lr_min_ratio": 0.05, "ema_decay": 0.999, "grad_clip": 1.0, "seed": 0, "checkpoint_every": 1000,
                                   "checkpoint_path": f"{name}-teacher.safetensors", "label": "v-prediction teacher"}}
    nodes["ddim"] = {"type": "sampler.ddim", "params": {"eta": 0.0, "clip_sample": False, "previous_timestep": "next"}}
    rows = ["teacher.metrics", "cd.metrics"]
    for n in (64, 4):
        add_row(nodes, rows, name, ds, f"ddim_{n}", f"v teacher, DDIM-{n}", {"sampler": "ddim", "denoiser": "teacher.denoiser", "scheduler": "sched"}, n)
    consistency_nodes(nodes, rows, name, ds, "teacher.denoiser", "consistency from the v teacher")
    table(nodes, rows, name, "two_moons: consistency distillation from a v-prediction teacher (Heun ODE steps)")
    return name, nodes


def grid_shipped():
    """The shipped 4-call grid models (pipelines/models, exported from the progressive, consistency and DDGAN runs) with their metrics."""
    name = "fewstep-grid-shipped"
    nodes = base("grid") | {"sched": SCHEDULER}
    nodes["student"] = {"type": "denoiser.mlp2d", "params": {"checkpoint": "models/toy2d-grid-progressive-4.safetensors"}}
    nodes["ddim"] = {"type": "sampler.ddim", "params": {"eta": 0.0, "clip_sample": False, "previous_timestep": "next"}}
    nodes["cm_network"] = {"type": "denoiser.mlp2d", "params": {"checkpoint": "models/toy2d-grid-consistency.safetensors"}}
    nodes["cm_model"] = {"type": "denoiser.consistency", "inputs": {"network": "cm_network", "scheduler": "sched"},
                         "params": {"sigma_data": 0.5}}
    nodes["cm"] = {"type": "sampler.consistency", "params": {}}
    # The generator of fewstep-grid-ddgan-t4-bmax4.json (EMA weights), with the chain it was trained on.
    nodes["chain_4"] = {"type": "scheduler.ddgan", "params": {"steps": 4, "beta_max": 4.0}}
    nodes["ddgan_gen"] = {"type": "denoiser.ddgan", "params": {"sample_shape": [2], "checkpoint": "models/toy2d-grid-ddgan-4.safetensors"}}
    nodes["ddgan"] = {"type": "sampler.ddgan", "params": {}}
    rows = []
    add_row(nodes, rows, name, "grid", "student_4", "progressive student, 4 steps (shipped)",
            {"sampler": "ddim", "denoiser": "student", "scheduler": "sched"}, 4, plot=True)
    add_row(nodes, rows, name, "grid", "cm_4", "consistency, 4 steps (shipped)",
            {"sampler": "cm", "denoiser": "cm_model", "scheduler": "sched"}, 4, plot=True)
    add_row(nodes, rows, name, "grid", "ddgan_4", "DDGAN T=4, beta_max 4 (shipped)",
            {"sampler": "ddgan", "denoiser": "ddgan_gen", "scheduler": "chain_4"}, 4, plot=True)
    table(nodes, rows, name, "grid_gaussians: the shipped 4-call models")
    return name, nodes



# ---------------------------------------------------------------- MNIST (pixel space, the shipped class-conditional model)

MNIST_COUNT = 500     # images per row (FD-MNIST depends on N: compare at equal N, next to the floor)
MNIST_SEED = 42
MNIST_KEYS = ["count", "accuracy", "fd_mnist", "fd_mnist_floor", "nfe", "seconds"]
MNIST_SCHEDULE = {"num_train_timesteps": 1000, "beta_schedule": "linear", "beta_start": 0.0001, "beta_end": 0.02}


def mnist_row(nodes, rows, row_id, label, sample_inputs, steps, decode=None):
    """One row: sample 500 digits for labels 0-9 in turn (decoded by the encoder `decode` for latent models), score them."""
    nodes[f"labels_{row_id}"] = {"type": "condition.labels", "params": {"count": MNIST_COUNT, "classes": 10}}
    nodes[f"sample_{row_id}"] = {"type": "sample",
                                 "inputs": sample_inputs | {"conditioning": f"labels_{row_id}.conditioning"},
                                 "params": {"steps": steps, "count": MNIST_COUNT, "seed": MNIST_SEED, "batch_size": 100}}
    images = f"sample_{row_id}.samples"
    if decode:
        nodes[f"decode_{row_id}"] = {"type": "decode", "inputs": {"encoder": decode, "latents": images}, "params": {"batch_size": 100}}
        images = f"decode_{row_id}.images"
    nodes[f"eval_{row_id}"] = {"type": "eval.mnist",
                               "inputs": {"samples": images, "labels": f"labels_{row_id}.labels"},
                               "params": {"classifier": "models/mnist-classifier.safetensors", "data": "../data/mnist", "label": label}}
    nodes[f"row_{row_id}"] = {"type": "metrics.merge", "inputs": {"metrics": [f"eval_{row_id}.metrics", f"sample_{row_id}.metrics"]},
                              "params": {"label": label, "keys": MNIST_KEYS}}
    rows.append(f"row_{row_id}.metrics")


def mnist_base(trailing=True):
    return {
        "teacher": {"type": "denoiser.unet2d", "params": {"pretrained": "models/mnist-ddpm.safetensors"}},
        "sched": {"type": "scheduler.discrete", "params": MNIST_SCHEDULE | ({"timestep_spacing": "trailing"} if trailing else {})},
    }


def mnist_baselines():
    name = "fewstep-mnist-baselines"
    nodes = mnist_base()
    nodes["sched_leading"] = {"type": "scheduler.discrete", "params": MNIST_SCHEDULE}
    nodes["ddim"] = {"type": "sampler.ddim", "params": {"eta": 0.0, "clip_sample": False, "previous_timestep": "next"}}
    nodes["ddim_stride"] = {"type": "sampler.ddim", "params": {"eta": 0.0, "clip_sample": False}}
    nodes["dpmpp_2m"] = {"type": "sampler.dpmpp_2m", "params": {"algorithm_type": "dpmsolver++", "solver_order": 2}}
    rows = []
    inputs = lambda s, sched="sched": {"sampler": s, "denoiser": "teacher", "scheduler": sched}
    mnist_row(nodes, rows, "ddim_50", "DDIM-50 (trailing)", inputs("ddim"), 50)
    mnist_row(nodes, rows, "ddim_8", "DDIM-8 (trailing)", inputs("ddim"), 8)
    for n in (4, 2, 1):
        mnist_row(nodes, rows, f"ddim_{n}", f"DDIM-{n} (trailing)", inputs("ddim"), n)
    mnist_row(nodes, rows, "ddim_4_leading", "DDIM-4 (leading, diffusers default)", inputs("ddim_stride", "sched_leading"), 4)
    for n in (4, 2, 1):
        mnist_row(nodes, rows, f"dpmpp_2m_{n}", f"DPM++ 2M-{n} (trailing)", inputs("dpmpp_2m"), n)
    table(nodes, rows, name, f"MNIST, shipped class-conditional model, guidance 1, N = {MNIST_COUNT}: DDIM and DPM-Solver++ 2M at few steps")
    return name, nodes


def mnist_progressive():
    name = "fewstep-mnist-progressive"
    nodes = mnist_base()
    nodes["data"] = {"type": "dataset.mnist", "params": {"path": "../data/mnist"}}
    nodes["ddim"] = {"type": "sampler.ddim", "params": {"eta": 0.0, "clip_sample": False, "previous_timestep": "next"}}
    nodes["distill_4"] = {"type": "train.distill",
                          "inputs": {"data": "data", "teacher": "teacher", "scheduler": "sched", "sampler": "ddim"},
                          "params": {"teacher_steps": 8, "student_steps": 4, "steps_per_round": 800, "batch": 24, "lr": 1e-4,
                                     "lr_schedule": "linear", "student_prediction": "v_prediction", "weighting": "truncated_snr",
                                     "times_per_batch": 2, "label_dropout": 0.1, "grad_clip": 1.0, "seed": 0,
                                     "checkpoint_every": 50, "checkpoint_path": f"{name}-4.safetensors", "label": "distill 8->4"}}
    nodes["export_4"] = {"type": "output.denoiser", "inputs": {"denoiser": "distill_4.denoiser"},
                         "params": {"path": "mnist-distilled-4.safetensors"}}
    rows = ["distill_4.metrics"]
    mnist_row(nodes, rows, "student_4", "progressive student, 4 steps", {"sampler": "ddim", "denoiser": "distill_4.denoiser", "scheduler": "sched"}, 4)
    table(nodes, rows, name, f"MNIST: progressive distillation of the shipped model's DDIM-8 into a 4-step v-prediction student, N = {MNIST_COUNT}")
    return name, nodes


def mnist_halvings():
    """Two more halving rounds from the shipped 4-step student (models/mnist-fast-4.safetensors): 4 -> 2, then 2 -> 1,
    each student the next round's teacher, so the 2- and 1-call rows each have their own student."""
    name = "fewstep-mnist-halvings"
    nodes = mnist_base()
    nodes["student_4"] = {"type": "denoiser.unet2d", "params": {"pretrained": "models/mnist-fast-4.safetensors"}}
    nodes["data"] = {"type": "dataset.mnist", "params": {"path": "../data/mnist"}}
    nodes["ddim"] = {"type": "sampler.ddim", "params": {"eta": 0.0, "clip_sample": False, "previous_timestep": "next"}}
    rows = []
    teacher = "student_4"
    for steps in (2, 1):
        node = f"distill_{steps}"
        nodes[node] = {"type": "train.distill",
                       "inputs": {"data": "data", "teacher": teacher, "scheduler": "sched", "sampler": "ddim"},
                       "params": {"teacher_steps": 2 * steps, "student_steps": steps, "steps_per_round": 800, "batch": 24, "lr": 1e-4,
                                  "lr_schedule": "linear", "student_prediction": "v_prediction", "weighting": "truncated_snr",
                                  "times_per_batch": 2, "label_dropout": 0.1, "grad_clip": 1.0, "seed": 0,
                                  "checkpoint_every": 50, "checkpoint_path": f"{name}-{steps}.safetensors", "label": f"distill {2 * steps}->{steps}"}}
        rows.append(f"{node}.metrics")
        mnist_row(nodes, rows, f"student_{steps}", f"progressive student, {steps} step{'s' if steps > 1 else ''}",
                  {"sampler": "ddim", "denoiser": f"{node}.denoiser", "scheduler": "sched"}, steps)
        teacher = f"{node}.denoiser"
    table(nodes, rows, name, f"MNIST: halving the shipped 4-step student to 2 and 1 steps, N = {MNIST_COUNT}")
    return name, nodes


def mnist_consistency():
    name = "fewstep-mnist-consistency"
    nodes = mnist_base()
    nodes["data"] = {"type": "dataset.mnist", "params": {"path": "../data/mnist"}}
    nodes["euler"] = {"type": "sampler.euler", "params": {}}
    nodes["cd"] = {"type": "train.consistency",
                   "inputs": {"data": "data", "teacher": "teacher", "scheduler": "sched", "sampler": "euler"},
                   "params": {"discretisation": 18, "steps": 1000, "batch": 24, "lr": 5e-5, "target_decay": 0.95, "sigma_data": 0.5,
                              "times_per_batch": 2, "label_dropout": 0.1, "grad_clip": 1.0, "seed": 0, "checkpoint_every": 50,
                              "checkpoint_path": f"{name}.safetensors", "label": "consistency distillation"}}
    nodes["cm"] = {"type": "sampler.consistency", "params": {}}
    nodes["export"] = {"type": "output.denoiser", "inputs": {"denoiser": "cd.denoiser"}, "params": {"path": "mnist-consistency.safetensors"}}
    rows = ["cd.metrics"]
    for n in (1, 2, 4):
        mnist_row(nodes, rows, f"cm_{n}", f"consistency, {n} step{'s' if n > 1 else ''}", {"sampler": "cm", "denoiser": "cd.denoiser", "scheduler": "sched"}, n)
    table(nodes, rows, name, f"MNIST: consistency distillation of the shipped model (Euler ODE steps), N = {MNIST_COUNT}")
    return name, nodes


def mnist_ddgan():
    name = "fewstep-mnist-ddgan"
    nodes = {"data": {"type": "dataset.mnist", "params": {"path": "../data/mnist"}},
             "chain": {"type": "scheduler.ddgan", "params": {"steps": 4}},
             "gen": {"type": "denoiser.ddgan", "params": {"sample_shape": [1, 28, 28], "channels": 16, "channel_mult": [1, 2, 2],
                                                          "latent_dim": 32, "embedding_dim": 64, "num_classes": 10,
                                                          "output_tanh": True, "seed": 0}},
             "train": {"type": "train.ddgan", "inputs": {"data": "data", "generator": "gen", "scheduler": "chain"},
                       "params": {"steps": 1500, "batch": 64, "lr_g": 2e-4, "lr_d": 2e-4, "betas": [0.5, 0.9], "r1_gamma": 0.05,
                                  "r1_every": 4, "ema_decay": 0.99, "disc_channels": 16, "seed": 0, "checkpoint_every": 50,
                                  "checkpoint_path": f"{name}.safetensors", "label": "train DDGAN T=4"}},
             "ddgan": {"type": "sampler.ddgan", "params": {}},
             "export": {"type": "output.denoiser", "inputs": {"denoiser": "train.denoiser"}, "params": {"path": "mnist-ddgan-t4.safetensors"}}}
    rows = ["train.metrics"]
    mnist_row(nodes, rows, "t4", "DDGAN T=4", {"sampler": "ddgan", "denoiser": "train.denoiser", "scheduler": "train.scheduler"}, 4)
    table(nodes, rows, name, f"MNIST: class-conditional Denoising Diffusion GAN, T = 4, N = {MNIST_COUNT}")
    return name, nodes


MNIST_VAE = "models/mnist-text"   # the text-to-digit model's autoencoder: 28 × 28 images to [4, 7, 7] latents


MNIST_LATENT_DDGAN_STEPS = 4000   # the checkpoint of docs/fewstep.md's run K that ships as mnist-latent-ddgan-4


def mnist_latent_ddgan(beta_max=20.0):
    """DDGAN in the latent space of the shipped autoencoder (the issue's cheaper route): dataset.encode serves MNIST
    as latents, the generator and discriminator work on [4, 7, 7], decode turns samples into digits for eval.mnist.
    The reconstruction row (500 training images through the autoencoder) is the best FD-MNIST any latent model here can get.
    Random z-modulations and the two time-scale rule (D at 4x G's learning rate) keep the discriminator from collapsing
    to a constant, which the earlier settings (identity modulations, 2e-4 both) did by step 200 (docs/fewstep.md)."""
    name = "fewstep-mnist-latent-ddgan"
    nodes = {"data": {"type": "dataset.mnist", "params": {"path": "../data/mnist"}},
             "vae": {"type": "encoder.autoencoder_kl", "params": {"model": MNIST_VAE}},
             "latents": {"type": "dataset.encode", "inputs": {"data": "data", "encoder": "vae.encoder"}, "params": {"sample": True}},
             "chain": {"type": "scheduler.ddgan", "params": {"steps": 4, "beta_max": beta_max}},
             "gen": {"type": "denoiser.ddgan", "params": {"sample_shape": [4, 7, 7], "channels": 32, "channel_mult": [1, 2, 2],
                                                          "latent_dim": 64, "embedding_dim": 128, "num_classes": 10,
                                                          "output_tanh": False, "modulation_init": "random", "seed": 0}},
             "train": {"type": "train.ddgan", "inputs": {"data": "latents.data", "generator": "gen", "scheduler": "chain"},
                       "params": {"steps": MNIST_LATENT_DDGAN_STEPS, "batch": 64, "lr_g": 1e-4, "lr_d": 4e-4, "betas": [0.5, 0.9], "r1_gamma": 0.05,
                                  "r1_every": 4, "ema_decay": 0.999, "disc_channels": 32, "disc_embedding_dim": 128, "disc_minibatch_std": 4, "seed": 0,
                                  "checkpoint_every": 200, "checkpoint_path": f"{name}.safetensors", "label": "train latent DDGAN T=4"}},
             "ddgan": {"type": "sampler.ddgan", "params": {}},
             "export": {"type": "output.denoiser", "inputs": {"denoiser": "train.denoiser"}, "params": {"path": "mnist-latent-ddgan-4.safetensors"}},
             # The autoencoder's own ceiling: 500 training images encoded (posterior mean) and decoded.
             "real": {"type": "dataset.sample_points", "inputs": {"dataset": "data"}, "params": {"count": MNIST_COUNT, "seed": 7}},
             "real_latents": {"type": "encode", "inputs": {"encoder": "vae.encoder", "images": "real.points"}, "params": {}},
             "real_decoded": {"type": "decode", "inputs": {"encoder": "vae.encoder", "latents": "real_latents.latents"}, "params": {"batch_size": 100}},
             "eval_recon": {"type": "eval.mnist", "inputs": {"samples": "real_decoded.images"},
                            "params": {"classifier": "models/mnist-classifier.safetensors", "data": "../data/mnist", "label": "autoencoder reconstruction"}},
             "row_recon": {"type": "metrics.merge", "inputs": {"metrics": ["eval_recon.metrics"]},
                           "params": {"label": "autoencoder reconstruction (ceiling)", "keys": ["count", "fd_mnist", "fd_mnist_floor"]}}}
    rows = ["train.metrics", "row_recon.metrics"]
    mnist_row(nodes, rows, "t4", "latent DDGAN T=4", {"sampler": "ddgan", "denoiser": "train.denoiser", "scheduler": "train.scheduler"}, 4,
              decode="vae.encoder")
    nodes["grid"] = {"type": "output.image_grid", "inputs": {"images": "decode_t4.images"},
                     "params": {"path": "mnist-latent-ddgan.png", "columns": 20}}
    table(nodes, rows, name, f"MNIST: class-conditional latent DDGAN (T = 4, beta_max {beta_max:g}) on the text model's autoencoder, N = {MNIST_COUNT}")
    return name, nodes


def write_all():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pipelines")
    makers = [(make, ds) for ds in DATASETS for make in (baselines, ddgan, progressive, consistency)]
    makers += [(ddgan_t4_gentle, "grid")]
    makers += [(moons_consistency_v, None)]
    makers += [(make, None) for make in (grid_shipped, mnist_baselines, mnist_progressive, mnist_halvings, mnist_consistency, mnist_ddgan, mnist_latent_ddgan)]
    for make, ds in makers:
        name, nodes = make(ds) if ds else make()
        with open(os.path.join(root, f"{name}.json"), "w", encoding="utf-8") as f:
            json.dump({"version": 1, "nodes": nodes}, f, indent=2)
            f.write("\n")
        print(f"wrote pipelines/{name}.json ({len(nodes)} nodes)")


if __name__ == "__main__":
    write_all()
