using System.Collections.Concurrent;
using Diffusion.Contracts;
using Diffusion.Nn;
using Diffusion.Plugins.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Nn;

/// <summary>
/// Every attention layer of the latent-diffusion networks goes through the backend it was built with, describes its
/// request (causal text attention, cross-attention to the text, the 2-D layout of image self-attention, its module
/// path), and falls back to dense attention, with the same result, where the backend declines.
/// </summary>
public sealed class AttentionPlumbingTests
{
    [Fact]
    public void The_unet_sends_self_attention_with_its_layout_and_cross_attention_marked()
    {
        var backend = new RecordingBackend(AttentionCapabilities.Everything);
        using var model = ModelFolder.LoadUNet2DCondition(Fixtures.RepositoryPath("models", "unet_sd_tiny"), backend);

        double error = Run(model);

        error.Should().BeLessThan(1e-4);
        var self = backend.Served["down_blocks.0.attentions.0.transformer_blocks.0.attn1"];
        self.Should().Match<Seen>(r => !r.IsCrossAttention && !r.IsCausal && r.SpatialHeight == 16 && r.SpatialWidth == 16);
        var cross = backend.Served["mid_block.attentions.0.transformer_blocks.0.attn2"];
        cross.Should().Match<Seen>(r => r.IsCrossAttention && r.SpatialHeight == null && r.KeyTokens == 7 && r.QueryTokens == 64);
        backend.Served.Keys.Should().HaveCount(8, "four transformers (one in down 0, one in mid, two in up 1), each with attn1 and attn2");
    }

    [Fact]
    public void A_backend_that_declines_cross_attention_falls_back_to_dense_there_and_the_result_still_matches()
    {
        var backend = new RecordingBackend(new AttentionCapabilities { SupportsCrossAttention = false });
        using var model = ModelFolder.LoadUNet2DCondition(Fixtures.RepositoryPath("models", "unet_sd_tiny"), backend);

        Run(model).Should().BeLessThan(1e-4);

        backend.Served.Keys.Should().OnlyContain(name => name.EndsWith(".attn1", StringComparison.Ordinal));
        backend.Served.Should().HaveCount(4);
    }

    [Fact]
    public void A_backend_that_declines_everything_still_gives_the_reference_outputs()
    {
        var backend = new RecordingBackend(new AttentionCapabilities { MaxTokens = 1 });
        using var unet = ModelFolder.LoadUNet2DCondition(Fixtures.RepositoryPath("models", "unet_sd_tiny"), backend);
        using var clip = ModelFolder.LoadClipText(Fixtures.RepositoryPath("models", "clip_text_tiny"), backend);
        using var vae = ModelFolder.LoadAutoencoderKL(Fixtures.RepositoryPath("models", "vae_tiny"), backend);
        using var clipIo = new ModelIo(Fixtures.RepositoryPath("models", "clip_text_tiny"));
        using var vaeIo = new ModelIo(Fixtures.RepositoryPath("models", "vae_tiny"));
        using var _ = no_grad();

        Run(unet).Should().BeLessThan(1e-4);
        using (var text = clip.Forward(clipIo.Input("input_ids")))
        {
            clipIo.Compare("last_hidden_state", text.LastHiddenState).Should().BeLessThan(1e-4);
        }

        using var decoded = vae.Decode(vaeIo.Input("latent"));
        vaeIo.Compare("decoded", decoded).Should().BeLessThan(1e-4);
        backend.Served.Should().BeEmpty();
        backend.Declined.Should().Contain(["encoder.layers.1.self_attn", "decoder.mid_block.attentions.0", "up_blocks.1.attentions.0.transformer_blocks.0.attn2"]);
    }

    [Fact]
    public void Clip_asks_for_causal_attention_and_the_autoencoder_for_spatial_self_attention()
    {
        var backend = new RecordingBackend(AttentionCapabilities.Everything);
        using var clip = ModelFolder.LoadClipText(Fixtures.RepositoryPath("models", "clip_text_tiny"), backend);
        using var vae = ModelFolder.LoadAutoencoderKL(Fixtures.RepositoryPath("models", "vae_tiny"), backend);
        using var clipIo = new ModelIo(Fixtures.RepositoryPath("models", "clip_text_tiny"));
        using var vaeIo = new ModelIo(Fixtures.RepositoryPath("models", "vae_tiny"));
        using var _ = no_grad();

        using (var text = clip.Forward(clipIo.Input("input_ids")))
        {
            clipIo.Compare("last_hidden_state", text.LastHiddenState).Should().BeLessThan(1e-4);
        }

        using (var posterior = vae.Encode(vaeIo.Input("image")))
        {
            vaeIo.Compare("latent_mean", posterior.Mean).Should().BeLessThan(1e-4);
        }

        backend.Served["encoder.layers.0.self_attn"].Should().Match<Seen>(r => r.IsCausal && !r.HasMask && r.QueryTokens == 77 && r.HeadDim == 8);
        backend.Served["encoder.mid_block.attentions.0"].Should().Match<Seen>(r => !r.IsCausal && r.SpatialHeight == 8 && r.HeadDim == 32);
    }

    private static double Run(UNet2DConditionModel model)
    {
        using var io = new ModelIo(Fixtures.RepositoryPath("models", "unet_sd_tiny"));
        using var _ = no_grad();
        using var result = model.Forward(io.Input("sample"), io.Input("timestep"), io.Input("encoder_hidden_states"), null);
        return io.Compare("sample", result);
    }

    /// <summary>What a request said about itself (its tensors belong to the layer's dispose scope).</summary>
    private sealed record Seen(bool IsCausal, bool IsCrossAttention, bool HasMask, int? SpatialHeight, int? SpatialWidth, long QueryTokens, long KeyTokens, long HeadDim);

    /// <summary>Serves what its capabilities allow with dense attention and remembers the last request per layer.</summary>
    private sealed class RecordingBackend(AttentionCapabilities capabilities) : IAttentionBackend
    {
        public ConcurrentDictionary<string, Seen> Served { get; } = new();

        public ConcurrentBag<string> Declined { get; } = [];

        public string Name => "recording";

        public AttentionCapabilities Capabilities => capabilities;

        public bool Supports(AttentionRequest request, out string? reason)
        {
            reason = capabilities.Explain(request);
            if (reason is not null)
            {
                Declined.Add(request.LayerName ?? "(unnamed)");
            }

            return reason is null;
        }

        public Tensor Compute(AttentionRequest request)
        {
            Supports(request, out var reason).Should().BeTrue($"a layer sent a request the backend declined ({reason})");
            Served[request.LayerName ?? "(unnamed)"] = new Seen(
                request.IsCausal, request.IsCrossAttention, request.Mask is not null, request.SpatialHeight, request.SpatialWidth,
                request.QueryTokens, request.KeyTokens, request.HeadDim);
            return DenseAttention.Instance.Compute(request);
        }
    }
}
