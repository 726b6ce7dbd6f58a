using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Onnx;
using Diffusion.Plugins.Onnx;
using Diffusion.Plugins.Tests.Infrastructure;
using Diffusion.Plugins.Tests.Nn;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Onnx;

/// <summary>
/// The ONNX components over the repository's copy of fixtures/reference/onnx_sd_tiny, whose graphs hold the weights of
/// models/unet_sd_tiny, vae_tiny and clip_text_tiny: their io.safetensors inputs must give their outputs here too.
/// </summary>
public sealed class OnnxComponentTests
{
    private static readonly string Folder = Fixtures.RepositoryPath("onnx_sd_tiny");
    private static readonly OnnxSessionSettings Cpu = new() { ExecutionProvider = OnnxExecutionProvider.Cpu, IntraOpThreads = 1 };

    private static string Model(string name) => Fixtures.RepositoryPath("models", name);

    [Fact]
    public void A_wrapped_tensor_shares_its_memory_with_the_OrtValue()
    {
        using var tensor = zeros(2, 3);
        using (var value = OnnxTensorBridge.Wrap(tensor))
        {
            var bytes = value.GetTensorMutableRawData();
            BitConverter.GetBytes(5f).CopyTo(bytes);
        }

        tensor[0, 0].item<float>().Should().Be(5f, "the value points into the tensor's memory: no copy");
        var act = () => OnnxTensorBridge.Wrap(zeros(2, 3).t());
        act.Should().Throw<ArgumentException>().WithMessage("*contiguous*");
    }

    [Fact]
    public void The_onnx_unet_matches_the_reference_outputs_of_the_same_weights()
    {
        using var io = new ModelIo(Model("unet_sd_tiny"));
        var model = OnnxSessions.Open(Path.Combine(Folder, "unet", "model.onnx"), Cpu, NullLogger.Instance);
        var denoiser = new OnnxUNetDenoiser(model, PredictionType.Epsilon, 16, 16);

        using var output = denoiser.Forward(io.Input("sample"), io.Input("timestep").to(ScalarType.Float32), new Conditioning { EncoderHiddenStates = io.Input("encoder_hidden_states") });

        io.Compare("sample", output).Should().BeLessThan(1e-4);
        denoiser.Info.SampleShape.Should().Equal(4, 16, 16);
        denoiser.Info.CrossAttentionDim.Should().Be(32);
        model.ExecutionProvider.Should().Be("CPUExecutionProvider");
    }

    [Fact]
    public void The_onnx_vae_decodes_and_encodes_like_the_reference_and_reports_its_factor()
    {
        using var io = new ModelIo(Model("vae_tiny"));
        var decoder = OnnxSessions.Open(Path.Combine(Folder, "vae_decoder", "model.onnx"), Cpu, NullLogger.Instance);
        var encoder = OnnxSessions.Open(Path.Combine(Folder, "vae_encoder", "model.onnx"), Cpu, NullLogger.Instance);
        var (factor, channels, imageChannels) = OnnxVaeEncoder.Probe(decoder);
        var vae = new OnnxVaeEncoder(decoder, encoder, 0.18215, factor, channels);

        (factor, channels, imageChannels).Should().Be((2, 4, 3));
        using var decoded = vae.Decode(io.Input("latent") * 0.18215);
        io.Compare("decoded", decoded).Should().BeLessThan(1e-4);
        using var mean = vae.Encode(io.Input("image")) / 0.18215;
        io.Compare("latent_mean", mean).Should().BeLessThan(1e-4);
        vae.LatentShape([3, 32, 32]).Should().Equal(4, 16, 16);
    }

    [Fact]
    public void The_onnx_text_encoder_matches_the_reference_for_the_reference_ids()
    {
        using var io = new ModelIo(Model("clip_text_tiny"));
        var model = OnnxSessions.Open(Path.Combine(Folder, "text_encoder", "model.onnx"), Cpu, NullLogger.Instance);
        var outputs = model.Run([new(OnnxClipConditioner.IdsInput, io.Input("input_ids"))], [OnnxClipConditioner.HiddenOutput, OnnxClipConditioner.PooledOutput]);

        io.Compare("last_hidden_state", outputs[OnnxClipConditioner.HiddenOutput]).Should().BeLessThan(1e-4);
        io.Compare("pooler_output", outputs[OnnxClipConditioner.PooledOutput]).Should().BeLessThan(1e-4);
    }

    [Fact]
    public async Task The_part_nodes_load_the_folder_and_give_the_same_conditioning_as_the_torch_path()
    {
        var unet = (IDenoiser)(await new OnnxUNetDenoiserNode().ExecuteAsync(Context(new JsonObject { ["model"] = Folder, ["execution_provider"] = "cpu" }))).Values["denoiser"];
        var encoder = (IEncoder)(await new OnnxVaeEncoderNode().ExecuteAsync(Context(new JsonObject { ["model"] = Folder }))).Values["encoder"];
        var conditioner = (IConditioner)(await new OnnxClipConditionerNode().ExecuteAsync(Context(new JsonObject { ["model"] = Folder }))).Values["conditioner"];

        unet.Info.Prediction.Should().Be(PredictionType.Epsilon, "the folder's scheduler declares epsilon");
        unet.Info.SampleShape.Should().Equal([4L, 64L, 64L], "no unet/config.json: SD 1.x's 64 latents");
        encoder.ScalingFactor.Should().Be(0.18215);
        var torchConditioner = new Diffusion.Plugins.Ldm.ClipTextConditioner(
            Diffusion.Text.ClipTokenizer.FromFolder(Path.Combine(Folder, "tokenizer")), Diffusion.Nn.ModelFolder.LoadClipText(Model("clip_text_tiny")));
        var prompts = new ConditionInput { Prompts = ["a photograph of an astronaut riding a horse", "Ünïcödé and emoji 🙂"] };
        using var ours = conditioner.Encode(prompts).EncoderHiddenStates!;
        using var reference = torchConditioner.Encode(prompts).EncoderHiddenStates!;
        ((double)(ours - reference).norm().item<float>() / reference.norm().item<float>()).Should().BeLessThan(1e-5);
        conditioner.Unconditional(3).EncoderHiddenStates!.shape.Should().Equal(3, 77, 32);
    }

    private static TestNodeContext Context(JsonObject parameters) => new("node", parameters);
}
