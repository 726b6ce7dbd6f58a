using Diffusion.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Plugins.GanHybrid;

/// <summary>
/// The discriminator for images, after DDGAN's small discriminator: x_{t−1} and x_t stacked on channels, conv_in, then
/// two down blocks (h' = LReLU(conv1(h) + dense(e)); h' = conv2 with stride 2 (LReLU); skip = 1×1 conv of the 2× average pool;
/// (h' + skip)/sqrt(2)), a final LReLU, a sum over positions and a linear logit [+ ⟨class_embedding(y), φ⟩].
/// Widths c, 2c, 2c; time embedding e = time_proj(emb(t)).
/// <para>
/// With a minibatch-std group g > 0, the features after the down blocks get one more channel, the standard deviation
/// of each feature across groups of g items averaged over channels and positions, then a 3 × 3 conv back to 2c (the
/// minibatch standard deviation of Karras et al. 2018, Sec. 3, as the DDGAN discriminators use it): a batch of fakes
/// that all look alike has a small spread that real batches do not have, so D can punish a generator that ignores z.
/// </para>
/// </summary>
public sealed class ConvDiscriminator : Discriminator
{
#pragma warning disable IDE1006, SA1300 // field names are the checkpoint's keys
    private readonly Timesteps time_features;
    private readonly Linear time_proj;
    private readonly Conv2d conv_in;
    private readonly Conv2d block0_conv1;
    private readonly Linear block0_dense;
    private readonly Conv2d block0_conv2;
    private readonly Conv2d block0_skip;
    private readonly Conv2d block1_conv1;
    private readonly Linear block1_dense;
    private readonly Conv2d block1_conv2;
    private readonly Conv2d block1_skip;
    private readonly Conv2d? final_conv;
    private readonly Linear output_proj;
    private readonly Embedding? class_embedding;
#pragma warning restore IDE1006, SA1300
    private readonly int minibatchStdGroup;

    /// <summary>Creates the network; <paramref name="minibatchStdGroup"/> 0 leaves out the minibatch-std channel.</summary>
    public ConvDiscriminator(int channels, int width, int embeddingDim, int numClasses, int minibatchStdGroup = 0)
        : base(nameof(ConvDiscriminator))
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minibatchStdGroup);
        this.minibatchStdGroup = minibatchStdGroup;
        long c0 = width, c1 = 2L * width;
        time_features = new Timesteps(embeddingDim, flipSinToCos: false, downscaleFreqShift: 1);
        time_proj = nn.Linear(embeddingDim, embeddingDim);
        conv_in = nn.Conv2d(2 * channels, c0, 3, padding: 1);
        block0_conv1 = nn.Conv2d(c0, c0, 3, padding: 1);
        block0_dense = nn.Linear(embeddingDim, c0);
        block0_conv2 = nn.Conv2d(c0, c1, 3, stride: 2, padding: 1);
        block0_skip = nn.Conv2d(c0, c1, 1);
        block1_conv1 = nn.Conv2d(c1, c1, 3, padding: 1);
        block1_dense = nn.Linear(embeddingDim, c1);
        block1_conv2 = nn.Conv2d(c1, c1, 3, stride: 2, padding: 1);
        block1_skip = nn.Conv2d(c1, c1, 1);
        final_conv = minibatchStdGroup > 0 ? nn.Conv2d(c1 + 1, c1, 3, padding: 1) : null;
        output_proj = nn.Linear(c1, 1);
        class_embedding = numClasses > 0 ? nn.Embedding(numClasses + 1, c1) : null;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor previous, Tensor current, Tensor time, Tensor? labels)
    {
        using var scope = NewDisposeScope();
        var e = nn.functional.leaky_relu(time_proj.forward(time_features.forward(time).to(previous.dtype)), 0.2);
        var h = conv_in.forward(cat([previous, current], 1));
        h = Block(h, e, block0_conv1, block0_dense, block0_conv2, block0_skip);
        h = Block(h, e, block1_conv1, block1_dense, block1_conv2, block1_skip);
        if (final_conv is not null)
        {
            h = final_conv.forward(cat([h, MinibatchStd(h, minibatchStdGroup)], 1));
        }

        var features = nn.functional.leaky_relu(h, 0.2).sum([2, 3]);
        var logit = output_proj.forward(features).squeeze(1);
        if (class_embedding is not null && labels is not null)
        {
            logit = logit + (class_embedding.forward(labels.to(ScalarType.Int64, previous.device)) * features).sum(1);
        }

        return logit.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// [B, 1, H, W]: for each item the spread of its group, √(Var over the g members + 10⁻⁸) averaged over channels and
    /// positions. Items i and i + B/g·k share a group (the batch viewed as [g, B/g, ...]); g shrinks to the largest
    /// divisor of B not above it, so any batch size works.
    /// </summary>
    private static Tensor MinibatchStd(Tensor h, int group)
    {
        long batch = h.shape[0];
        long g = Math.Min(group, batch);
        while (batch % g != 0)
        {
            g--;
        }

        var grouped = h.reshape(g, batch / g, h.shape[1], h.shape[2], h.shape[3]);
        var spread = (grouped.var(0, unbiased: false) + 1e-8).sqrt().mean([1, 2, 3]);
        return spread.reshape(1, batch / g, 1, 1, 1).expand(g, batch / g, 1, h.shape[2], h.shape[3]).reshape(batch, 1, h.shape[2], h.shape[3]);
    }

    private static Tensor Block(Tensor h, Tensor e, Conv2d conv1, Linear dense, Conv2d conv2, Conv2d skip)
    {
        var x = nn.functional.leaky_relu(conv1.forward(nn.functional.leaky_relu(h, 0.2)) + dense.forward(e).unsqueeze(-1).unsqueeze(-1), 0.2);
        x = conv2.forward(x);
        var shortcut = skip.forward(nn.functional.avg_pool2d(h, 2, ceil_mode: true));
        return (x + shortcut) * (1 / Math.Sqrt(2));
    }
}
