using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Nn;
using Diffusion.Plugins.Denoisers;
using Diffusion.Plugins.SparseAttention;
using Diffusion.Plugins.Tests.Infrastructure;
using Diffusion.Plugins.Tests.Parity;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.SparseAttention;

/// <summary>The attention.* node types, and a UNet whose attention input is a backend (with the fallback to dense).</summary>
public sealed class AttentionNodeTests
{
    [Theory]
    [InlineData("attention.dense", "{}", "dense")]
    [InlineData("attention.chunked", """{ "query_block": 64, "key_block": 32 }""", "chunked")]
    [InlineData("attention.neighborhood", """{ "kernel_size": 5 }""", "neighborhood")]
    [InlineData("attention.longformer", """{ "window": 8, "global_tokens": 2 }""", "longformer")]
    [InlineData("attention.bigbird", """{ "block_size": 4, "random_blocks": 1, "seed": 3 }""", "bigbird")]
    [InlineData("attention.strided", """{ "mode": "fixed", "stride": 8, "summary": 2 }""", "fixed")]
    public void Each_backend_node_is_registered_and_builds_its_backend_from_params(string type, string parameters, string name)
    {
        var backend = PluginCatalog.Instance.Instantiate<IAttentionBackend>(new NodeSpec(type, JsonNode.Parse(parameters)!.AsObject()), "backend");

        backend.Name.Should().Be(name);
        PluginCatalog.Instance.NodeTypes[type].Descriptor.Outputs.Single().Type.Should().Be(PortType.AttentionBackend);
    }

    [Theory]
    [InlineData("attention.neighborhood", """{ "kernel_size": 4 }""", "kernel_size", "even")]
    [InlineData("attention.strided", """{ "stride": 4, "summary": 5 }""", "summary", "exceeds the stride")]
    [InlineData("attention.pattern", """{ "tokens": 64, "height": 8, "width": 7 }""", "height", "must equal tokens")]
    [InlineData("attention.route", """{ "rules": [{ "layer": "*", "backend": 1 }] }""", "rules", "but 0 backend(s) are linked")]
    public void Cross_field_rules_are_reported_at_validation(string type, string parameters, string param, string message)
    {
        var nodeType = PluginCatalog.Instance.NodeTypes[type];
        var context = new NodeValidationContext("n", OptionsSchema.WithDefaults(nodeType.Descriptor.Params, JsonNode.Parse(parameters)!.AsObject()), ".");

        var issue = nodeType.Validate(context).Should().ContainSingle().Subject;

        issue.Pointer.Should().Be($"/nodes/n/params/{param}");
        issue.Message.Should().Contain(message);
    }

    [Fact]
    public void Param_ranges_are_declared_for_the_validator()
    {
        var kernel = PluginCatalog.Instance.NodeTypes["attention.neighborhood"].Descriptor.Params.Single(p => p.Name == "kernel_size");
        kernel.Minimum.Should().Be(1);
        kernel.Maximum.Should().Be(255);
        PluginCatalog.Instance.NodeTypes["attention.strided"].Descriptor.Params.Single(p => p.Name == "mode").Choices.Should().Equal("strided", "fixed");
        PluginCatalog.Instance.NodeTypes["attention.route"].Descriptor.Inputs.Single().Variadic.Should().BeTrue();
    }

    [Fact]
    public async Task The_pattern_node_draws_attended_pairs_dark_and_reports_the_density()
    {
        using var context = new TestNodeContext("picture", new JsonObject { ["tokens"] = 16, ["height"] = 4, ["width"] = 4 })
            .WithInput("backend", new NeighborhoodAttention(3));

        var outputs = (await new AttentionPatternNode().ExecuteAsync(context)).Values;

        var image = (Tensor)outputs["image"];
        image.shape.Should().Equal(1, 3, 16, 16);
        var pattern = NeighborhoodAttention.Pattern(4, 4, 3);
        var white = image[0].eq(1).all(0);
        white.eq(pattern.logical_not()).all().item<bool>().Should().BeTrue("exactly the pairs outside the pattern are white");
        ((MetricSet)outputs["metrics"]).Values["density"].Should().BeApproximately(9.0 / 16, 1e-12, "each of 16 queries sees 9 of 16 keys");
    }

    [Fact]
    public async Task The_pattern_node_calls_a_layout_the_backend_cannot_draw_invalid_input()
    {
        using var context = new TestNodeContext("picture", new JsonObject { ["tokens"] = 16 })
            .WithInput("backend", new NeighborhoodAttention(3));

        await FluentActions.Awaiting(() => new AttentionPatternNode().ExecuteAsync(context))
            .Should().ThrowAsync<InvalidInputException>().WithMessage("*'picture'*needs the image layout of the 16 tokens*Change height/width*");
    }

    [Fact]
    public void The_pattern_node_estimates_its_n_by_n_tensors_for_the_run_budget()
    {
        var nodeType = PluginCatalog.Instance.NodeTypes["attention.pattern"];
        var context = new NodeValidationContext("n", OptionsSchema.WithDefaults(nodeType.Descriptor.Params, new JsonObject { ["tokens"] = 4096 }), ".");

        var estimate = nodeType.Estimate(context);

        estimate.Should().NotBeNull();
        estimate!.Elements.Should().Be(7L * 4096 * 4096);
        estimate.ElementsParam.Should().Be("tokens");
    }

    [Fact]
    public async Task The_compare_node_reports_max_mean_and_relative_error()
    {
        using var context = new TestNodeContext("diff", new JsonObject { ["label"] = "x" })
            .WithInput("output", tensor(new[] { 1f, 2f, 4f }))
            .WithInput("reference", tensor(new[] { 1f, 2f, 2f }));

        var metrics = (MetricSet)(await new AttentionCompareNode().ExecuteAsync(context)).Values["metrics"];

        metrics.Label.Should().Be("x");
        metrics.Values["max_abs_diff"].Should().Be(2);
        metrics.Values["mean_abs_diff"].Should().BeApproximately(2.0 / 3, 1e-12);
        metrics.Values["rel_l2"].Should().BeApproximately(2 / 3.0, 1e-6, "|(0,0,2)| / |(1,2,2)| = 2/3");
    }

    private static readonly JsonObject TinyUNet = new()
    {
        ["sample_size"] = 8, ["in_channels"] = 1, ["block_out_channels"] = new JsonArray(8, 16),
        ["down_block_types"] = new JsonArray("DownBlock2D", "AttnDownBlock2D"), ["up_block_types"] = new JsonArray("AttnUpBlock2D", "UpBlock2D"),
        ["attention_head_dim"] = 8, ["norm_num_groups"] = 4, ["seed"] = 1,
    };

    // Fresh UNet weights come from the process-wide generator (manual_seed, then module initialisers), which tests running
    // in parallel also draw from; so a UNet compared with another takes that one's weights instead of trusting the seed.
    private static async Task<(Tensor Output, TestNodeContext Context, IDenoiser Denoiser)> UNetWith(IAttentionBackend? backend, IDenoiser? weightsFrom = null)
    {
        var context = new TestNodeContext("net", (JsonObject)TinyUNet.DeepClone());
        if (backend is not null)
        {
            context.WithInput("attention", backend);
        }

        var denoiser = (IDenoiser)(await new UNet2DDenoiserNode().ExecuteAsync(context)).Values["denoiser"];
        if (weightsFrom is not null)
        {
            using var noGrad = no_grad();
            ((ITrainableDenoiser)denoiser).Network.load_state_dict(((ITrainableDenoiser)weightsFrom).Network.state_dict());
        }

        var x = randn([2, 1, 8, 8], generator: new Generator(5));
        var output = denoiser.Forward(x, tensor(new long[] { 10, 900 }));
        return (output, context, denoiser);
    }

    [Fact]
    public async Task A_unet_computes_its_attention_layers_with_the_linked_backend()
    {
        var (dense, denseContext, denseNet) = await UNetWith(null);
        var (chunked, _, _) = await UNetWith(new ChunkedAttention(3, 5), denseNet);
        var (windowed, windowedContext, denoiser) = await UNetWith(new NeighborhoodAttention(1), denseNet);
        using (denseContext)
        using (windowedContext)
        {
            (chunked - dense).abs().max().item<float>().Should().BeLessThan(1e-5f, "chunked attention is exact");
            (windowed - dense).abs().max().item<float>().Should().BeGreaterThan(1e-4f, "a 1 x 1 window (each pixel attends itself) changes the output");
            windowedContext.LogLines.Should().BeEmpty("neighborhood serves every layer of this UNet");

            var replica = ((ITrainableDenoiser)denoiser).Replicate(CPU);
            var again = replica.Forward(randn([2, 1, 8, 8], generator: new Generator(5)), tensor(new long[] { 10, 900 }));
            (again - windowed).abs().max().item<float>().Should().Be(0, "a replica keeps the backend");
        }
    }

    [Fact]
    public async Task Layers_the_backend_declines_fall_back_to_dense_with_one_log_line_per_layer()
    {
        var declining = new MaxHeadDimBackend(4);
        var (dense, denseContext, denseNet) = await UNetWith(null);
        var (output, context, denoiser) = await UNetWith(declining, denseNet);
        using (denseContext)
        using (context)
        {
            (output - dense).abs().max().item<float>().Should().Be(0, "every layer fell back to dense attention");
            denoiser.Forward(randn(1, 1, 8, 8), tensor(new long[] { 3 }));

            // The tiny UNet has four attention layers: one in the down block, one in the mid block, two in the up block.
            var lines = context.LogLines.ToList();
            lines.Should().HaveCount(4, "one line per declining layer, however often it runs");
            lines.Should().OnlyContain(l => l.Contains("head width 8 exceeds its 4", StringComparison.Ordinal) && l.Contains("max-head-4", StringComparison.Ordinal));
            lines.Should().Contain(l => l.Contains("mid_block.attentions.0", StringComparison.Ordinal));
            declining.Calls.Should().Be(0);
        }
    }

    /// <summary>A backend that serves heads up to a width only (so the UNet's 8-wide heads are declined).</summary>
    private sealed class MaxHeadDimBackend(long maxHeadDim) : IAttentionBackend
    {
        public int Calls { get; private set; }

        public string Name => $"max-head-{maxHeadDim}";

        public AttentionCapabilities Capabilities { get; } = new() { MaxHeadDim = maxHeadDim };

        public Tensor Compute(AttentionRequest request)
        {
            Calls++;
            return DenseAttention.Instance.Compute(request);
        }
    }
}
