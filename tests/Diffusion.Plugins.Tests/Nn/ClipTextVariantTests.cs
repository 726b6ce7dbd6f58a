using Diffusion.Nn;
using Diffusion.Plugins.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Nn;

/// <summary>CLIP text encoder variants built from the tiny fixture (repository copy).</summary>
public sealed class ClipTextVariantTests
{
    private const string Fixture = "clip_text_tiny";

    [Fact]
    public void Transformers_4_checkpoints_with_the_text_model_prefix_and_position_ids_load_the_same()
    {
        using var copy = new ModelFolderCopy(Fixture).EditWeights(tensors =>
        {
            var prefixed = tensors.ToDictionary(kv => "text_model." + kv.Key, kv => kv.Value, StringComparer.Ordinal);
            prefixed["text_model.embeddings.position_ids"] = arange(77, ScalarType.Int64).unsqueeze(0);
            return prefixed;
        });

        var (hidden, pooled) = Errors(copy.Folder);

        hidden.Should().BeLessThan(1e-4);
        pooled.Should().BeLessThan(1e-4);
    }

    [Fact]
    public void The_legacy_eos_id_2_pools_at_the_highest_id_which_is_the_first_end_token()
    {
        using var copy = new ModelFolderCopy(Fixture).EditConfig(c => c["eos_token_id"] = 2);

        Errors(copy.Folder).Pooled.Should().BeLessThan(1e-4);
    }

    [Fact]
    public void A_gelu_encoder_like_sd2_runs_keeps_shapes_and_differs_from_quick_gelu()
    {
        using var copy = new ModelFolderCopy(Fixture).EditConfig(c =>
        {
            c["hidden_act"] = "gelu";
            c["architectures"] = new System.Text.Json.Nodes.JsonArray("CLIPTextModel");
        });
        using var model = ModelFolder.LoadClipText(copy.Folder);
        model.Config.HiddenAct.Should().Be("gelu");
        using var io = new ModelIo(Fixtures.RepositoryPath("models", Fixture));
        using var _ = no_grad();

        using var result = model.Forward(io.Input("input_ids"));

        result.LastHiddenState.shape.Should().Equal(2, 77, 32);
        result.PoolerOutput.shape.Should().Equal(2, 32);
        io.Compare("last_hidden_state", result.LastHiddenState).Should().BeGreaterThan(1e-4, "gelu is not quick_gelu");
    }

    [Fact]
    public void Activations_follow_their_definitions()
    {
        var x = linspace(-4, 4, 17, ScalarType.Float64);
        var erf = x.div(Math.Sqrt(2)).erf();

        ModelIo.RelativeError(ClipActivation.Apply("gelu", x), 0.5 * x * (1 + erf)).Should().BeLessThan(1e-12);
        ModelIo.RelativeError(ClipActivation.Apply("quick_gelu", x), x / (1 + (-1.702 * x).exp())).Should().BeLessThan(1e-12);
        ModelIo.RelativeError(ClipActivation.Apply("gelu_new", x), 0.5 * x * (1 + erf)).Should().BeLessThan(1e-3, "the tanh form approximates the exact GELU");
    }

    [Fact]
    public void A_full_attention_mask_changes_nothing_and_clip_skip_stops_early()
    {
        using var model = ModelFolder.LoadClipText(Fixtures.RepositoryPath("models", Fixture));
        using var io = new ModelIo(Fixtures.RepositoryPath("models", Fixture));
        using var _ = no_grad();
        var ids = io.Input("input_ids");

        using var masked = model.Forward(ids, ones_like(ids));
        io.Compare("last_hidden_state", masked.LastHiddenState).Should().BeLessThan(1e-5);

        using var skipped = model.Forward(ids, null, skipLayers: 1);
        skipped.LastHiddenState.shape.Should().Equal(2, 77, 32);
        ModelIo.RelativeError(skipped.LastHiddenState, masked.LastHiddenState).Should().BeGreaterThan(1e-3);
    }

    [Fact]
    public void Bad_ids_are_clear_errors()
    {
        using var model = ModelFolder.LoadClipText(Fixtures.RepositoryPath("models", Fixture));
        using var _ = no_grad();

        FluentActions.Invoking(() => model.Forward(full(1, 78, 5L))).Should().Throw<ArgumentException>().WithMessage("*78 tokens exceed max_position_embeddings 77*");
        FluentActions.Invoking(() => model.Forward(full(1, 5, 49408L))).Should().Throw<ArgumentException>().WithMessage("*49408*");
    }

    private static (double Hidden, double Pooled) Errors(string folder)
    {
        using var model = ModelFolder.LoadClipText(folder);
        using var io = new ModelIo(Fixtures.RepositoryPath("models", Fixture));
        using var _ = no_grad();
        using var result = model.Forward(io.Input("input_ids"));
        return (io.Compare("last_hidden_state", result.LastHiddenState), io.Compare("pooler_output", result.PoolerOutput));
    }
}
