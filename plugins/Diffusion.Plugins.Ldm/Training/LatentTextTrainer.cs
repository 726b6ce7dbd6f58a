using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Nn;
using Diffusion.Text;
using Diffusion.Torch;
using Diffusion.Torch.Files;
using Microsoft.Extensions.Logging;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Ldm;

/// <summary>
/// Trains a small text-to-image latent diffusion model from a captioned dataset, in two stages (Rombach et al. 2022):
/// (1) a KL autoencoder, per-pixel MSE + a small KL weight (§3.1; no perceptual or adversarial loss at this size);
/// latents are then rescaled to unit variance (appendix G: scaling_factor = 1 / std of the posterior means);
/// (2) a cross-attention UNet jointly with a small CLIP text encoder from scratch on posterior samples of the frozen
/// encoder, with the ε-loss of Ho et al. 2020 (Eq. 14) over a linear β schedule (1e-4 … 0.02, 1000 steps) and the
/// caption dropped to "" with probability caption_dropout for classifier-free guidance (Ho &amp; Salimans 2022).
/// The result is written as a diffusers pipeline folder that <c>model.diffusers</c> loads. One CPU generator drives
/// every draw; one dispose scope per step.
/// </summary>
internal sealed class LatentTextTrainer(LatentTextTrainOptions options, ILogger logger, IProgress<NodeProgress>? progress, CancellationToken cancellation)
{
    private const int TrainTimesteps = 1000;
    private const double BetaStart = 1e-4, BetaEnd = 0.02;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Trains and writes the folder; returns metrics.</summary>
    public Dictionary<string, double> Train(IDataset data, string clipTokenizerFolder, string? trainedAutoencoderFolder, string output)
    {
        if (!data.Info.HasCaptions)
        {
            throw new ArgumentException($"train.latent_text: dataset '{data.Info.Name}' has no captions; use a captioned dataset such as dataset.mnist_captions.");
        }

        if (data.Info.SampleShape is not [long channels, long height, long width])
        {
            throw new ArgumentException($"train.latent_text: dataset '{data.Info.Name}' has items of shape [{string.Join(", ", data.Info.SampleShape)}], not images [c, h, w].");
        }

        using var generator = new Generator((ulong)options.Seed, CPU);
        var metrics = new Dictionary<string, double>();
        Directory.CreateDirectory(output);

        var tokenizerFolder = Path.Combine(output, "tokenizer");
        var words = CaptionWords(data);
        int vocabSize = ReducedClipVocabulary.Write(clipTokenizerFolder, words, options.MaxTokens, tokenizerFolder);
        var tokenizer = ClipTokenizer.FromFolder(tokenizerFolder);
        logger.LogInformation("train.latent_text: {Words} caption words, BPE vocabulary of {Vocab} tokens.", words.Count, vocabSize);

        var clock = Stopwatch.StartNew();
        var (aeConfig, newOrLoaded) = trainedAutoencoderFolder is null
            ? NewAutoencoder(channels, height)
            : LoadAutoencoder(trainedAutoencoderFolder, channels);
        using var autoencoder = newOrLoaded;
        if (trainedAutoencoderFolder is null)
        {
            metrics["ae_loss"] = TrainAutoencoder(data, autoencoder, generator);
        }

        metrics["ae_seconds"] = clock.Elapsed.TotalSeconds;
        var (scaling, reconstruction) = LatentStatistics(data, autoencoder, generator);
        aeConfig["scaling_factor"] = scaling;
        metrics["scaling_factor"] = scaling;
        metrics["ae_reconstruction_mse"] = reconstruction;
        logger.LogInformation("train.latent_text: autoencoder {How} in {Seconds:F0} s; scaling_factor {Scale:F4}, reconstruction MSE {Mse:F4} (pixels in [-1, 1]).", trainedAutoencoderFolder is null ? "trained" : "loaded", metrics["ae_seconds"], scaling, reconstruction);

        // Written now, not only with the rest: the denoiser stage is the long one, and a run stopped during it can be
        // started again from this autoencoder (the autoencoder param) instead of training it a second time.
        SavePart(output, "vae", aeConfig, autoencoder, "diffusion_pytorch_model.safetensors");

        long latentSide = height;
        for (int i = 0; i < autoencoder.Config.Downsamplings; i++)
        {
            latentSide /= 2;
        }

        var textConfig = new JsonObject
        {
            ["architectures"] = new JsonArray("CLIPTextModel"),
            ["model_type"] = "clip_text_model",
            ["vocab_size"] = vocabSize,
            ["hidden_size"] = options.TextWidth,
            ["intermediate_size"] = options.TextWidth * 4,
            ["projection_dim"] = options.TextWidth,
            ["num_hidden_layers"] = options.TextLayers,
            ["num_attention_heads"] = Math.Max(1, options.TextWidth / 16),
            ["max_position_embeddings"] = options.MaxTokens,
            ["hidden_act"] = "quick_gelu",
            ["layer_norm_eps"] = 1e-5,
            ["bos_token_id"] = tokenizer.BosId,
            ["eos_token_id"] = tokenizer.EosId,
            ["pad_token_id"] = tokenizer.PadId,
        };
        var unetConfig = new JsonObject
        {
            ["_class_name"] = UNet2DConditionConfig.ClassName,
            ["sample_size"] = (int)latentSide,
            ["in_channels"] = options.LatentChannels,
            ["out_channels"] = options.LatentChannels,
            ["down_block_types"] = new JsonArray(options.UnetChannels.Select((_, i) => (JsonNode)(i == 0 ? "CrossAttnDownBlock2D" : "DownBlock2D")).ToArray()),
            ["mid_block_type"] = "UNetMidBlock2DCrossAttn",
            ["up_block_types"] = new JsonArray(options.UnetChannels.Select((_, i) => (JsonNode)(i == options.UnetChannels.Length - 1 ? "CrossAttnUpBlock2D" : "UpBlock2D")).ToArray()),
            ["block_out_channels"] = new JsonArray(options.UnetChannels.Select(c => (JsonNode)c).ToArray()),
            ["layers_per_block"] = 1,
            ["cross_attention_dim"] = options.TextWidth,
            ["attention_head_dim"] = 8,
            ["norm_num_groups"] = 32,
            ["act_fn"] = "silu",
        };
        using var text = new ClipTextModel(ClipTextConfig.FromJson(textConfig, "train.latent_text text encoder"));
        using var unet = new UNet2DConditionModel(UNet2DConditionConfig.FromJson(unetConfig, "train.latent_text UNet"));
        clock.Restart();
        var (loss, average) = TrainDenoiser(data, autoencoder, scaling, tokenizer, text, unet, generator);
        metrics["loss"] = loss;
        metrics["loss_avg"] = average;
        metrics["seconds"] = clock.Elapsed.TotalSeconds;
        metrics["parameters"] = new nn.Module[] { autoencoder, text, unet }.Sum(m => m.parameters().Sum(p => p.numel()));

        Save(output, textConfig, text, unetConfig, unet);
        return metrics;
    }

    private (JsonObject Config, AutoencoderKL Model) NewAutoencoder(long channels, long height)
    {
        var config = new JsonObject
        {
            ["_class_name"] = AutoencoderKLConfig.ClassName,
            ["in_channels"] = (int)channels,
            ["out_channels"] = (int)channels,
            ["down_block_types"] = new JsonArray(options.AeChannels.Select(_ => (JsonNode)"DownEncoderBlock2D").ToArray()),
            ["up_block_types"] = new JsonArray(options.AeChannels.Select(_ => (JsonNode)"UpDecoderBlock2D").ToArray()),
            ["block_out_channels"] = new JsonArray(options.AeChannels.Select(c => (JsonNode)c).ToArray()),
            ["layers_per_block"] = 1,
            ["act_fn"] = "silu",
            ["latent_channels"] = options.LatentChannels,
            ["norm_num_groups"] = 8,
            ["sample_size"] = (int)height,
            ["scaling_factor"] = 1.0,
        };
        return (config, new AutoencoderKL(AutoencoderKLConfig.FromJson(config, "train.latent_text autoencoder")));
    }

    private static (JsonObject Config, AutoencoderKL Model) LoadAutoencoder(string folder, long channels)
    {
        var configPath = Path.Combine(folder, ModelFolder.ConfigFileName);
        var model = ModelFolder.LoadAutoencoderKL(folder);
        if (model.Config.InChannels != channels || model.Config.OutChannels != channels)
        {
            model.Dispose();
            throw new InvalidInputException(
                $"train.latent_text: the autoencoder in '{folder}' maps {model.Config.InChannels} to {model.Config.OutChannels} channels, but the data has {channels}; train one with this data (leave autoencoder unset) or pick a matching folder.",
                configPath,
                null);
        }

        var config = (JsonObject)JsonNode.Parse(SafeFile.ReadAllText(configPath, 1 << 20, "autoencoder config"))!;
        return (config, model);
    }

    private static List<string> CaptionWords(IDataset data)
    {
        // The grammar is closed: a few thousand captions show every word (and the CFG's empty caption adds none).
        using var generator = new Generator(12345, CPU);
        var words = new SortedSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 40; i++)
        {
            var batch = data.Sample(256, generator);
            batch.Data.Dispose();
            batch.Labels?.Dispose();
            foreach (var caption in batch.Captions ?? [])
            {
                foreach (var word in caption.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    words.Add(word);
                }
            }
        }

        return words.ToList();
    }

    private double TrainAutoencoder(IDataset data, AutoencoderKL autoencoder, Generator generator)
    {
        autoencoder.train();
        using var optimizer = new AdamW(autoencoder.parameters(), options.AeLr);
        double last = double.NaN;
        var clock = Stopwatch.StartNew();
        for (int step = 0; step < options.AeSteps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            SetLearningRate(optimizer, options.AeLr * Cosine(step, options.AeSteps, 0));
            using (NewDisposeScope())
            {
                var batch = data.Sample(options.AeBatch, generator);
                var posterior = autoencoder.Encode(batch.Data);
                var reconstruction = autoencoder.Decode(posterior.Sample(generator));
                var mse = (reconstruction - batch.Data).square().mean();

                // KL(q(z|x) || N(0, I)) summed over latent elements, averaged over the batch.
                var kl = 0.5 * (posterior.Mean.square() + posterior.LogVar.exp() - 1 - posterior.LogVar).sum([1, 2, 3]).mean();
                var loss = mse + (options.KlWeight * kl);
                optimizer.zero_grad();
                loss.backward();
                if (options.GradClip > 0)
                {
                    nn.utils.clip_grad_norm_(autoencoder.parameters(), options.GradClip);
                }

                optimizer.step();
                last = mse.item<float>();
            }

            NativeObjectReclaimer.AfterStep(step + 1);
            Report("autoencoder", step + 1, options.AeSteps, last, clock);
        }

        autoencoder.eval();
        return last;
    }

    private (double Scaling, double Reconstruction) LatentStatistics(IDataset data, AutoencoderKL autoencoder, Generator generator)
    {
        using var gradMode = no_grad();
        using var scope = NewDisposeScope();
        var batch = data.Sample(2048, generator);
        var posterior = autoencoder.Encode(batch.Data);
        var reconstruction = (autoencoder.Decode(posterior.Mean) - batch.Data).square().mean().item<float>();
        var std = posterior.Mean.std().item<float>();
        return (1.0 / std, reconstruction);
    }

    private (double Last, double Average) TrainDenoiser(IDataset data, AutoencoderKL autoencoder, double scaling, ClipTokenizer tokenizer, ClipTextModel text, UNet2DConditionModel unet, Generator generator)
    {
        text.train();
        unet.train();
        var alphasCumprod = cumprod(1 - linspace(BetaStart, BetaEnd, TrainTimesteps, dtype: ScalarType.Float64), 0).to(ScalarType.Float32);
        using var optimizer = new AdamW(text.parameters().Concat(unet.parameters()), options.Lr);
        var parameters = text.parameters().Concat(unet.parameters()).ToList();
        var losses = new List<double>();
        var clock = Stopwatch.StartNew();
        for (int step = 0; step < options.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            SetLearningRate(optimizer, options.Lr * Cosine(step, options.Steps, options.WarmupSteps));
            using (NewDisposeScope())
            {
                var batch = data.Sample(options.Batch, generator);
                Tensor latents;
                using (no_grad())
                {
                    latents = autoencoder.Encode(batch.Data).Sample(generator) * scaling;
                }

                var drop = rand(options.Batch, dtype: ScalarType.Float64, generator: generator).data<double>().ToArray();
                var captions = batch.Captions!.Select((c, i) => drop[i] < options.CaptionDropout ? "" : c).ToArray();
                var noise = randn(latents.shape, generator: generator);
                var t = randint(0, TrainTimesteps, [options.Batch], ScalarType.Int64, generator: generator);
                var abar = alphasCumprod.index_select(0, t).view(-1, 1, 1, 1);
                var noisy = (abar.sqrt() * latents) + ((1 - abar).sqrt() * noise);
                var context = text.Forward(tokenizer.EncodeBatch(captions)).LastHiddenState;
                var prediction = unet.Forward(noisy, t.to(ScalarType.Float32), context, null);
                var loss = (prediction - noise).square().mean();
                optimizer.zero_grad();
                loss.backward();
                if (options.GradClip > 0)
                {
                    nn.utils.clip_grad_norm_(parameters, options.GradClip);
                }

                optimizer.step();
                losses.Add(loss.item<float>());
            }

            if (!double.IsFinite(losses[^1]))
            {
                throw new InvalidOperationException($"train.latent_text: the loss became {losses[^1]} at step {step + 1}; lower lr.");
            }

            NativeObjectReclaimer.AfterStep(step + 1);
            Report("denoiser", step + 1, options.Steps, losses[^1], clock);
        }

        text.eval();
        unet.eval();
        var tail = losses.Skip(Math.Max(0, losses.Count - 100)).ToList();
        return (losses.Count > 0 ? losses[^1] : double.NaN, tail.Count > 0 ? tail.Average() : double.NaN);
    }

    private void Report(string stage, int step, int total, double loss, Stopwatch clock)
    {
        progress?.Report(new NodeProgress(step, total, stage, new Dictionary<string, double> { ["loss"] = loss }));
        if (step % 50 == 0 || step == total)
        {
            logger.LogInformation("train.latent_text {Stage}: step {Step}/{Total}, loss {Loss:F4}, {Seconds:F0} s.", stage, step, total, loss, clock.Elapsed.TotalSeconds);
        }
    }

    /// <summary>Linear warm-up, then cosine decay to 5 % (diffusers' get_cosine_schedule_with_warmup with a floor).</summary>
    private static double Cosine(int step, int total, int warmup)
    {
        if (step < warmup)
        {
            return (step + 1.0) / warmup;
        }

        double progress = (step - warmup) / (double)Math.Max(1, total - warmup);
        return 0.05 + (0.95 * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }

    private static void SetLearningRate(AdamW optimizer, double lr)
    {
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = lr;
        }
    }

    private static void SavePart(string output, string name, JsonObject config, nn.Module module, string weights)
    {
        var folder = Path.Combine(output, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, ModelFolder.ConfigFileName), config.ToJsonString(Indented));
        var state = module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().contiguous());
        SafeTensors.Save(Path.Combine(folder, weights), state);
    }

    private static void Save(string output, JsonObject textConfig, ClipTextModel text, JsonObject unetConfig, UNet2DConditionModel unet)
    {
        var indent = Indented;
        SavePart(output, "text_encoder", textConfig, text, "model.safetensors");
        SavePart(output, "unet", unetConfig, unet, "diffusion_pytorch_model.safetensors");
        Directory.CreateDirectory(Path.Combine(output, "scheduler"));
        var scheduler = new JsonObject
        {
            ["_class_name"] = "DDIMScheduler",
            ["num_train_timesteps"] = TrainTimesteps,
            ["beta_start"] = BetaStart,
            ["beta_end"] = BetaEnd,
            ["beta_schedule"] = "linear",
            ["clip_sample"] = false,
            ["set_alpha_to_one"] = false,
            ["steps_offset"] = 1,
            ["prediction_type"] = "epsilon",
            ["timestep_spacing"] = "leading",
        };
        File.WriteAllText(Path.Combine(output, "scheduler", "scheduler_config.json"), scheduler.ToJsonString(indent));
        var index = new JsonObject
        {
            ["_class_name"] = "StableDiffusionPipeline",
            ["unet"] = new JsonArray("diffusers", "UNet2DConditionModel"),
            ["vae"] = new JsonArray("diffusers", "AutoencoderKL"),
            ["text_encoder"] = new JsonArray("transformers", "CLIPTextModel"),
            ["tokenizer"] = new JsonArray("transformers", "CLIPTokenizer"),
            ["scheduler"] = new JsonArray("diffusers", "DDIMScheduler"),
            ["safety_checker"] = new JsonArray(null, null),
            ["feature_extractor"] = new JsonArray(null, null),
        };
        File.WriteAllText(Path.Combine(output, ModelFolder.PipelineIndexFileName), index.ToJsonString(indent));
    }
}
