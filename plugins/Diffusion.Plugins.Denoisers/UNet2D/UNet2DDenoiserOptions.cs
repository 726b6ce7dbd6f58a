using Diffusion.Contracts;

namespace Diffusion.Plugins.Denoisers;

/// <summary>
/// Params of <c>denoiser.unet2d</c>: either <see cref="Pretrained"/> (a diffusers folder with config.json +
/// diffusion_pytorch_model.safetensors, or one of our checkpoint .safetensors files whose metadata holds the config),
/// or the architecture fields of a fresh model (names and meaning as in diffusers' UNet2DModel config).
/// </summary>
public sealed record UNet2DDenoiserOptions
{
    [Param("A diffusers UNet2DModel folder, a checkpoint .safetensors (config in metadata) or a train.denoising checkpoint (its EMA weights); empty for fresh weights.", Path = PathKind.InputFileOrFolder)]
    public string Pretrained { get; init; } = "";

    [Param("Image height and width of a fresh model.", Min = 4, Max = 4096)]
    public int SampleSize { get; init; } = 28;

    [Param("Image channels of a fresh model.", Min = 1, Max = 256)]
    public int InChannels { get; init; } = 1;

    [Param("Channels of each encoder stage of a fresh model.")]
    public IReadOnlyList<int> BlockOutChannels { get; init; } = [32, 64, 64];

    [Param("ResNet layers per encoder stage (decoder stages have one more).", Min = 1, Max = 32)]
    public int LayersPerBlock { get; init; } = 1;

    [Param("Encoder stages: DownBlock2D or AttnDownBlock2D.")]
    public IReadOnlyList<string> DownBlockTypes { get; init; } = ["DownBlock2D", "DownBlock2D", "AttnDownBlock2D"];

    [Param("Decoder stages: UpBlock2D or AttnUpBlock2D.")]
    public IReadOnlyList<string> UpBlockTypes { get; init; } = ["AttnUpBlock2D", "UpBlock2D", "UpBlock2D"];

    [Param("Width of one attention head.", Min = 1, Max = 4096)]
    public int AttentionHeadDim { get; init; } = 32;

    [Param("GroupNorm groups; must divide every stage's channels.", Min = 1, Max = 4096)]
    public int NormNumGroups { get; init; } = 8;

    [Param("Size of the class table: number of classes + 1 (the last is the null label used by guidance); 0 = unconditional.", Min = 0, Max = 1_000_000)]
    public int NumClassEmbeds { get; init; }

    [Param("What the network predicts (checkpoints override it with their own).")]
    public PredictionType Prediction { get; init; } = PredictionType.Epsilon;

    [Param("Seed of fresh weights.")]
    public long Seed { get; init; }
}
