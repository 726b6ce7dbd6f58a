using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Ldm;
using Diffusion.Plugins.Tests.Infrastructure;
using Diffusion.Plugins.Tests.Nn;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Ldm;

/// <summary>The provider nodes over a Stable-Diffusion-shaped pipeline folder assembled from the tiny fixtures.</summary>
public sealed class LdmNodeTests : IDisposable
{
    private readonly string pipeline = Directory.CreateTempSubdirectory("sd-tiny-").FullName;

    public LdmNodeTests()
    {
        // The layout of a diffusers StableDiffusionPipeline folder; the scheduler declares v-prediction.
        Copy(Fixtures.RepositoryPath("models", "unet_sd_tiny"), "unet");
        Copy(Fixtures.RepositoryPath("models", "vae_tiny"), "vae");
        Copy(Fixtures.RepositoryPath("models", "clip_text_tiny"), "text_encoder");
        Copy(Fixtures.RepositoryPath("tokenizer"), "tokenizer");
        Directory.CreateDirectory(Path.Combine(pipeline, "scheduler"));
        File.WriteAllText(Path.Combine(pipeline, "scheduler", "scheduler_config.json"), """{ "_class_name": "DDIMScheduler", "prediction_type": "v_prediction" }""");
        File.WriteAllText(Path.Combine(pipeline, "model_index.json"), """{ "_class_name": "StableDiffusionPipeline" }""");
    }

    public void Dispose() => Directory.Delete(pipeline, recursive: true);

    [Fact]
    public void The_plugin_registers_three_providers_with_an_optional_attention_input()
    {
        var registrar = new Registrar();
        new LdmPlugin().Register(registrar);

        registrar.Nodes.Select(n => n.Descriptor.Name).Should().BeEquivalentTo(
            "encoder.autoencoder_kl", "conditioner.clip_text", "denoiser.unet2d_condition", "model.diffusers", "train.latent_text", "sampler.per_image_seeds");
        registrar.Nodes.Where(n => n.Descriptor.Name is "encoder.autoencoder_kl" or "conditioner.clip_text" or "denoiser.unet2d_condition").Should().OnlyContain(n => n.Descriptor.Inputs.Single().Name == "attention"
            && n.Descriptor.Inputs.Single().Optional && n.Descriptor.Inputs.Single().Type == PortType.AttentionBackend);
    }

    [Fact]
    public async Task A_pipeline_folder_gives_all_three_components_and_the_schedulers_prediction_type()
    {
        using var context = Context(new JsonObject { ["model"] = "sd" });

        var denoiser = (IDenoiser)(await new UNet2DConditionDenoiserNode().ExecuteAsync(context)).Values["denoiser"];
        var encoder = (IEncoder)(await new AutoencoderKlEncoderNode().ExecuteAsync(context)).Values["encoder"];
        var conditioner = (IConditioner)(await new ClipTextConditionerNode().ExecuteAsync(Context(new JsonObject { ["model"] = "sd" }))).Values["conditioner"];

        denoiser.Info.Prediction.Should().Be(PredictionType.VPrediction);
        encoder.ScalingFactor.Should().Be(0.18215);
        using var io = new ModelIo(Path.Combine(pipeline, "text_encoder"));
        var text = conditioner.Encode(new ConditionInput { Prompts = ["a photograph of an astronaut riding a horse", "A cute cat"] });
        io.Compare("last_hidden_state", text.EncoderHiddenStates!).Should().BeLessThan(1e-4);
    }

    [Fact]
    public async Task Component_folders_load_with_explicit_params()
    {
        using var context = Context(new JsonObject { ["model"] = "sd/text_encoder", ["tokenizer"] = "sd/tokenizer", ["clip_skip"] = 1 });
        var conditioner = (ClipTextConditioner)(await new ClipTextConditionerNode().ExecuteAsync(context)).Values["conditioner"];
        conditioner.Encode(new ConditionInput { Prompts = ["x"] }).EncoderHiddenStates!.shape.Should().Equal(1, 77, 32);

        var denoiser = (IDenoiser)(await new UNet2DConditionDenoiserNode().ExecuteAsync(Context(new JsonObject { ["model"] = "sd/unet", ["prediction"] = "epsilon" })))
            .Values["denoiser"];
        denoiser.Info.Prediction.Should().Be(PredictionType.Epsilon);
    }

    [Fact]
    public async Task A_declining_attention_backend_falls_back_with_one_log_line_per_layer()
    {
        using var context = Context(new JsonObject { ["model"] = "sd/unet" });
        context.WithInput("attention", new SelfOnlyBackend());
        var denoiser = (IDenoiser)(await new UNet2DConditionDenoiserNode().ExecuteAsync(context)).Values["denoiser"];
        using var io = new ModelIo(Path.Combine(pipeline, "unet"));

        for (int i = 0; i < 2; i++)
        {
            using var output = denoiser.Forward(io.Input("sample"), io.Input("timestep"), new Conditioning { EncoderHiddenStates = io.Input("encoder_hidden_states") });
            io.Compare("sample", output).Should().BeLessThan(1e-4);
        }

        var lines = context.LogLines.Where(l => l.Contains("declined", StringComparison.Ordinal)).ToList();
        lines.Should().HaveCount(4, "each of the four cross-attention layers is reported once, not once per call");
        lines.Should().OnlyContain(l => l.Contains(".attn2", StringComparison.Ordinal) && l.Contains("self-only", StringComparison.Ordinal));
    }

    [Fact]
    public void Validation_points_at_a_missing_model_folder()
    {
        // The model param is an input folder: the host checks it (resolved against the pipeline file's folder).
        var parent = Path.GetDirectoryName(pipeline)!;
        IReadOnlyList<ValidationIssue> Issues(string model) =>
            SingleNodeValidation.Issues(new UNet2DConditionDenoiserNode(), new JsonObject { ["model"] = model }, parent);

        Issues("").Should().ContainSingle(i => i.Pointer == "/nodes/node/params/model" && i.Message.Contains("is empty"));
        Issues("nowhere").Should().ContainSingle(i => i.Pointer == "/nodes/node/params/model" && i.Message.Contains("does not exist"));
        Issues(Path.Combine(Path.GetFileName(pipeline), "model_index.json")).Should().ContainSingle(i => i.Pointer == "/nodes/node/params/model", "a file is not a model folder");
        Issues(Path.GetFileName(pipeline)).Should().BeEmpty();
    }

    [Fact]
    public void An_explicit_prediction_is_a_trait_for_the_validator_and_auto_is_left_to_the_folder()
    {
        INodeType torch = new UNet2DConditionDenoiserNode();
        INodeType onnx = new Diffusion.Plugins.Onnx.OnnxUNetDenoiserNode();
        var folder = Path.GetDirectoryName(pipeline)!;
        foreach (var node in new[] { torch, onnx })
        {
            node.OutputTraits(new NodeValidationContext("unet", new JsonObject { ["model"] = "sd", ["prediction"] = "v_prediction" }, folder))["denoiser"]
                .Should().Equal(["prediction:v_prediction"]);
            node.OutputTraits(new NodeValidationContext("unet", new JsonObject { ["model"] = "sd" }, folder)).Should().BeEmpty();
        }
    }

    [Fact]
    public async Task A_folder_of_the_wrong_kind_is_an_error_naming_the_file()
    {
        using var context = Context(new JsonObject { ["model"] = "sd/vae" });

        var act = () => new UNet2DConditionDenoiserNode().ExecuteAsync(context);

        await act.Should().ThrowAsync<InvalidDataException>().WithMessage("*vae/config.json*describes AutoencoderKL, not UNet2DConditionModel*");
    }

    private TestNodeContext Context(JsonObject parameters)
    {
        var context = new TestNodeContext("node", parameters);
        var link = Path.Combine(context.Run.BaseDirectory, "sd");
        Directory.CreateSymbolicLink(link, pipeline);
        return context;
    }

    private void Copy(string from, string to)
    {
        var target = Path.Combine(pipeline, to);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
    }

    private sealed class SelfOnlyBackend : IAttentionBackend
    {
        public string Name => "self-only";

        public AttentionCapabilities Capabilities { get; } = new() { SupportsCrossAttention = false };

        public Tensor Compute(AttentionRequest request) => Diffusion.Nn.DenseAttention.Instance.Compute(request);
    }

    private sealed class Registrar : IPluginRegistrar
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public List<INodeType> Nodes { get; } = [];

        public void AddNodeType(INodeType nodeType) => Nodes.Add(nodeType);
    }
}
