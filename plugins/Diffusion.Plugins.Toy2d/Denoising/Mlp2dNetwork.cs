using Diffusion.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Toy2d;

/// <summary>
/// The MLP behind <see cref="Mlp2dDenoiser"/>. The time t (already scaled, see <see cref="Mlp2dDenoiser"/>) goes
/// through the sinusoidal embedding of Ho et al. 2020 (appendix B; Vaswani et al. 2017 §3.5, denominator d/2 − 1),
/// plus a learned class embedding when conditioned; then e = SiLU(time_proj(emb)),
/// h = SiLU(input_proj([x, emb])), h = h + SiLU(hidden_layers.i(h + e)) for each residual block (the time enters every
/// block, as in DDPM's ResNet blocks), output = output_proj(h).
/// State-dict keys (the field names): <c>time_proj.weight</c> [hidden, time_embedding_dim], <c>time_proj.bias</c>,
/// <c>input_proj.weight</c> [hidden, d + time_embedding_dim], <c>input_proj.bias</c>, <c>hidden_layers.{i}.weight</c>
/// [hidden, hidden], <c>hidden_layers.{i}.bias</c> (i = 0..layers − 2), <c>output_proj.weight</c> [d, hidden],
/// <c>output_proj.bias</c>, and when num_classes &gt; 0 <c>class_embedding.weight</c> [num_classes + 1, time_embedding_dim].
/// </summary>
public sealed class Mlp2dNetwork : nn.Module
{
#pragma warning disable IDE1006, SA1300 // field names are the checkpoint's keys
    private readonly Timesteps time_features;
    private readonly Linear time_proj;
    private readonly Linear input_proj;
    private readonly ModuleList<Linear> hidden_layers;
    private readonly Linear output_proj;
    private readonly Embedding? class_embedding;
#pragma warning restore IDE1006, SA1300

    /// <summary>Creates the network with PyTorch-default-shaped but uninitialised weights (see <see cref="Initialise"/>).</summary>
    public Mlp2dNetwork(int dataDim, int hidden, int layers, int timeEmbeddingDim, int numClasses)
        : base(nameof(Mlp2dNetwork))
    {
        time_features = new Timesteps(timeEmbeddingDim, flipSinToCos: false, downscaleFreqShift: 1);
        time_proj = nn.Linear(timeEmbeddingDim, hidden);
        input_proj = nn.Linear(dataDim + timeEmbeddingDim, hidden);
        hidden_layers = new ModuleList<Linear>([.. Enumerable.Range(0, layers - 1).Select(_ => nn.Linear(hidden, hidden))]);
        output_proj = nn.Linear(hidden, dataDim);
        class_embedding = numClasses > 0 ? nn.Embedding(numClasses + 1, timeEmbeddingDim) : null;
        RegisterComponents();
    }

    /// <summary>
    /// Sets every weight from <paramref name="generator"/> (CPU) in state-dict order: linear weights and biases
    /// U(−1/√fan_in, 1/√fan_in) (PyTorch's nn.Linear default), the class embedding N(0, 1). Explicit so that
    /// initialisation is reproducible and never touches the process-wide RNG.
    /// </summary>
    public void Initialise(Generator generator)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        foreach (var (name, parameter) in named_parameters())
        {
            Tensor value;
            if (name.StartsWith("class_embedding", StringComparison.Ordinal))
            {
                value = randn(parameter.shape, dtype: ScalarType.Float32, generator: generator);
            }
            else
            {
                var fanIn = name.EndsWith(".bias", StringComparison.Ordinal)
                    ? get_parameter(name[..^".bias".Length] + ".weight")!.shape[1]
                    : parameter.shape[1];
                var bound = 1.0 / Math.Sqrt(fanIn);
                value = (rand(parameter.shape, dtype: ScalarType.Float32, generator: generator) * 2 - 1) * bound;
            }

            parameter.copy_(value);
        }
    }

    /// <summary>The prediction [batch, d] for points <paramref name="x"/>, scaled times [batch] and optional labels [batch].</summary>
    public Tensor Forward(Tensor x, Tensor scaledTime, Tensor? labels)
    {
        using var scope = NewDisposeScope();
        var embedding = time_features.forward(scaledTime).to(x.dtype);
        if (class_embedding is not null && labels is not null)
        {
            embedding = embedding + class_embedding.forward(labels.to(ScalarType.Int64, x.device));
        }

        var e = nn.functional.silu(time_proj.forward(embedding));
        var h = nn.functional.silu(input_proj.forward(cat([x, embedding], 1)));
        foreach (var layer in hidden_layers)
        {
            h = h + nn.functional.silu(layer.forward(h + e));
        }

        return output_proj.forward(h).MoveToOuterDisposeScope();
    }
}
