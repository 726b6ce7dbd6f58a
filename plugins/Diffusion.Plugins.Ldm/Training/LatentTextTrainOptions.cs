using Diffusion.Contracts;

namespace Diffusion.Plugins.Ldm;

/// <summary>Params of <c>train.latent_text</c>.</summary>
public sealed record LatentTextTrainOptions
{
    [Param("The diffusers pipeline folder to write (model_index.json, vae/, unet/, text_encoder/, tokenizer/, scheduler/), relative to the output folder.", Path = PathKind.OutputFolder)]
    public string Output { get; init; } = "latent-text-model";

    [Param("A CLIP tokenizer folder (vocab.json, merges.txt) whose BPE is reduced to the words of the captions, relative to the pipeline file.", Required = true, Path = PathKind.InputFolder)]
    public string Tokenizer { get; init; } = "";

    [Param("Seed of the training generator (batches, posterior samples, noise, times, caption dropout).")]
    public long Seed { get; init; }

    [Param("A trained autoencoder folder (the vae/ of an earlier run: config.json + diffusion_pytorch_model.safetensors), relative to the pipeline file, used instead of training one (the ae_* params are then ignored; the scaling factor is measured again on the data).", Path = PathKind.InputFolder)]
    public string? Autoencoder { get; init; }

    [Param("Autoencoder optimisation steps.", Min = 0, Max = 1000000)]
    public int AeSteps { get; init; } = 1500;

    [Param("Autoencoder batch size.", Min = 1, Max = 4096)]
    public int AeBatch { get; init; } = 64;

    [Param("Autoencoder AdamW learning rate (cosine decay to 5 %).", Min = 0)]
    public double AeLr { get; init; } = 2e-3;

    [Param("Autoencoder block_out_channels; each block after the first halves the side (3 blocks: f = 4).")]
    public int[] AeChannels { get; init; } = [16, 32, 64];

    [Param("Autoencoder latent channels.", Min = 1, Max = 64)]
    public int LatentChannels { get; init; } = 4;

    [Param("Weight of the KL term (summed over latent elements, averaged over the batch) against the per-pixel MSE (Rombach et al. 2022 use a small weight so latents stay detailed).", Min = 0)]
    public double KlWeight { get; init; } = 1e-6;

    [Param("Denoiser (UNet + text encoder) optimisation steps.", Min = 0, Max = 1000000)]
    public int Steps { get; init; } = 3000;

    [Param("Denoiser batch size.", Min = 1, Max = 4096)]
    public int Batch { get; init; } = 128;

    [Param("Denoiser AdamW learning rate (linear warm-up, then cosine decay to 5 %).", Min = 0)]
    public double Lr { get; init; } = 1e-3;

    [Param("Warm-up steps of the denoiser's learning rate.", Min = 0, Max = 1_000_000)]
    public int WarmupSteps { get; init; } = 100;

    [Param("UNet block_out_channels (first block with cross-attention, the rest without; the mid block has it).")]
    public int[] UnetChannels { get; init; } = [64, 128];

    [Param("Width of the text encoder (= the UNet's cross_attention_dim).", Min = 8, Max = 1024)]
    public int TextWidth { get; init; } = 64;

    [Param("Text encoder layers.", Min = 1, Max = 24)]
    public int TextLayers { get; init; } = 2;

    [Param("Tokens per caption including start and end (tokenizer model_max_length).", Min = 4, Max = 77)]
    public int MaxTokens { get; init; } = 16;

    [Param("Probability of training on the empty caption instead (classifier-free guidance, Ho & Salimans 2022).", Min = 0, Max = 1)]
    public double CaptionDropout { get; init; } = 0.1;

    [Param("Clip the global gradient norm to this (0: off).", Min = 0)]
    public double GradClip { get; init; } = 1.0;
}
