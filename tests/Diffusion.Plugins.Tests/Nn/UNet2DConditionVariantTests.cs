using System.Text.Json.Nodes;
using Diffusion.Nn;
using Diffusion.Plugins.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Nn;

/// <summary>
/// SD 2.x-style configurations built from the tiny SD 1.x fixture (repository copy). Where the variant computes the
/// same function with re-laid-out weights (a per-block head list equal to the scalar; linear projections carrying the
/// 1x1 convolutions' weights; fp16 weights) the fixture's reference output must still come out; where it changes the
/// function (other head counts, deeper transformers, odd latent sizes) the network must load, run and keep shapes.
/// </summary>
public sealed class UNet2DConditionVariantTests(ITestOutputHelper output)
{
    private const string Fixture = "unet_sd_tiny";

    [Fact]
    public void A_per_block_head_list_equal_to_the_scalar_reproduces_the_reference()
    {
        using var copy = new ModelFolderCopy(Fixture).EditConfig(c => c["attention_head_dim"] = new JsonArray(8, 8));

        ErrorAgainstReference(copy.Folder).Should().BeLessThan(1e-4);
    }

    [Fact]
    public void Linear_projections_with_the_convolution_weights_reproduce_the_reference()
    {
        // A 1x1 convolution on a feature map is the same linear map on its pixel tokens: SD 2.x's use_linear_projection
        // stores the same numbers as [out, in] matrices.
        using var copy = new ModelFolderCopy(Fixture)
            .EditConfig(c => c["use_linear_projection"] = true)
            .EditWeights(tensors => tensors.ToDictionary(
                kv => kv.Key,
                kv => kv.Key.Contains(".proj_in.weight", StringComparison.Ordinal) || kv.Key.Contains(".proj_out.weight", StringComparison.Ordinal)
                    ? kv.Value.flatten(1)
                    : kv.Value));

        ErrorAgainstReference(copy.Folder).Should().BeLessThan(1e-4);
    }

    [Fact]
    public void Half_precision_weights_load_into_a_float32_network()
    {
        using var copy = new ModelFolderCopy(Fixture)
            .EditWeights(tensors => tensors.ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.Float16)), "diffusion_pytorch_model.fp16.safetensors");
        using var model = ModelFolder.LoadUNet2DCondition(copy.Folder);
        model.parameters().Should().OnlyContain(p => p.dtype == ScalarType.Float32);

        double error = ErrorAgainstReference(copy.Folder);
        output.WriteLine($"fp16 weights: relative error {error:E2}");
        error.Should().BeLessThan(1e-2, "only the weights are rounded to fp16");
    }

    [Fact]
    public void Sd2_style_heads_linear_projections_and_upcast_run_and_keep_shapes()
    {
        using var copy = new ModelFolderCopy(Fixture).EditConfig(c =>
        {
            c["attention_head_dim"] = new JsonArray(2, 4);
            c["use_linear_projection"] = true;
            c["upcast_attention"] = true;
        }).EditWeights(tensors => tensors.ToDictionary(
            kv => kv.Key,
            kv => kv.Key.EndsWith("proj_in.weight", StringComparison.Ordinal) || kv.Key.EndsWith("proj_out.weight", StringComparison.Ordinal) ? kv.Value.flatten(1) : kv.Value));
        using var model = ModelFolder.LoadUNet2DCondition(copy.Folder);
        model.Config.AttentionHeadDim.Should().Equal(2, 4);
        using var io = new ModelIo(Fixtures.RepositoryPath("models", Fixture));
        using var _ = no_grad();

        using var result = model.Forward(io.Input("sample"), io.Input("timestep"), io.Input("encoder_hidden_states"), null);

        result.shape.Should().Equal(2, 4, 16, 16);
        result.isfinite().all().item<bool>().Should().BeTrue();
        io.Compare("sample", result).Should().BeGreaterThan(1e-4, "other head counts compute a different function of the same weights");
    }

    [Fact]
    public void Deeper_stages_and_odd_latent_sizes_run_and_keep_shapes()
    {
        var config = UNet2DConditionConfig.Load(Fixtures.RepositoryPath("models", Fixture, "config.json")) with
        {
            LayersPerBlock = [1, 2],
            TransformerLayersPerBlock = [2, 2],
            AttentionHeadDim = [4, 8],
        };
        using var model = new UNet2DConditionModel(config);
        model.eval();
        using var _ = no_grad();
        var context = randn(2, 5, 32, generator: new Generator(1));

        // 9 x 7 is not a multiple of the single downsampling: the decoder upsamples to the skip's size, as diffusers does.
        using var result = model.Forward(randn(2, 4, 9, 7, generator: new Generator(2)), tensor(new long[] { 10, 500 }), context, null);

        result.shape.Should().Equal(2, 4, 9, 7);
        result.isfinite().all().item<bool>().Should().BeTrue();
        model.state_dict().Keys.Should().Contain("down_blocks.0.attentions.0.transformer_blocks.1.attn2.to_k.weight")
            .And.Contain("up_blocks.0.resnets.2.conv1.weight", "up stage 0 mirrors down stage 1 with layers_per_block 2 + 1 layers");
    }

    private static double ErrorAgainstReference(string folder)
    {
        using var model = ModelFolder.LoadUNet2DCondition(folder);
        using var io = new ModelIo(Fixtures.RepositoryPath("models", Fixture));
        using var _ = no_grad();
        using var result = model.Forward(io.Input("sample"), io.Input("timestep"), io.Input("encoder_hidden_states"), null);
        return io.Compare("sample", result);
    }
}
