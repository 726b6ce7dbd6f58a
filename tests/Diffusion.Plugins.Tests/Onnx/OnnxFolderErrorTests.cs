using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Onnx;
using Diffusion.Plugins.Onnx;
using Diffusion.Plugins.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Onnx;

/// <summary>Broken ONNX folders and bad inputs: each error names the file, the field or input, and what to do.</summary>
public sealed class OnnxFolderErrorTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("onnx-sd-").FullName;

    public OnnxFolderErrorTests()
    {
        foreach (var file in Directory.EnumerateFiles(Fixtures.RepositoryPath("onnx_sd_tiny"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(Fixtures.RepositoryPath("onnx_sd_tiny"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            File.SetAttributes(target, FileAttributes.Normal);
        }
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_missing_folder_is_a_validation_issue_on_the_model_param()
    {
        var issues = Diffusion.Plugins.Tests.Ldm.SingleNodeValidation.Issues(new OnnxUNetDenoiserNode(), new JsonObject { ["model"] = "no/such/folder" }, folder);

        issues.Should().ContainSingle().Which.Message.Should().Contain("does not exist");
        issues[0].Pointer.Should().Be("/nodes/node/params/model");
    }

    [Fact]
    public async Task A_missing_part_names_the_file_it_looked_for()
    {
        File.Delete(Path.Combine(folder, "unet", "model.onnx"));

        var act = () => new OnnxUNetDenoiserNode().ExecuteAsync(Context());

        (await act.Should().ThrowAsync<FileNotFoundException>()).WithMessage($"*{Path.Combine("unet", "model.onnx")}*");
    }

    [Fact]
    public async Task An_unknown_pipeline_class_names_the_field()
    {
        Edit("model_index.json", json => json["_class_name"] = "StableDiffusionXLPipeline");

        var act = () => new OnnxVaeEncoderNode().ExecuteAsync(Context());

        (await act.Should().ThrowAsync<InvalidDataException>()).WithMessage("*model_index.json*'_class_name'*StableDiffusionXLPipeline*OnnxStableDiffusionPipeline*");
    }

    [Fact]
    public async Task A_part_of_another_class_names_the_field()
    {
        Edit("model_index.json", json => json["text_encoder"] = new JsonArray("transformers", "CLIPTextModel"));

        var act = () => new OnnxClipConditionerNode().ExecuteAsync(Context());

        (await act.Should().ThrowAsync<InvalidDataException>()).WithMessage("*'text_encoder'*CLIPTextModel*OnnxRuntimeModel*");
    }

    [Fact]
    public async Task A_folder_without_a_vae_encoder_decodes_but_says_why_it_cannot_encode()
    {
        Edit("model_index.json", json => json.Remove("vae_encoder"));

        var encoder = (IEncoder)(await new OnnxVaeEncoderNode().ExecuteAsync(Context())).Values["encoder"];

        encoder.Decode(zeros(1, 4, 2, 2)).shape.Should().Equal(1, 3, 4, 4);
        var act = () => encoder.Encode(zeros(1, 3, 4, 4));
        act.Should().Throw<NotSupportedException>().WithMessage("*vae_encoder*image-to-image*");
    }

    [Fact]
    public void A_sample_of_the_wrong_shape_names_the_file_and_the_input()
    {
        var model = OnnxSessions.Open(Path.Combine(folder, "unet", "model.onnx"), new OnnxSessionSettings { ExecutionProvider = OnnxExecutionProvider.Cpu }, NullLogger.Instance);
        var denoiser = new OnnxUNetDenoiser(model, PredictionType.Epsilon, 8, 8);

        var act = () => denoiser.Forward(zeros(1, 3, 8, 8), tensor(new[] { 10f }), new Conditioning { EncoderHiddenStates = zeros(1, 77, 32) });

        act.Should().Throw<ArgumentException>().WithMessage($"*{Path.Combine("unet", "model.onnx")}*input 'sample'*[batch, 4, height, width]*");
    }

    [Fact]
    public async Task A_tokenizer_of_another_length_is_refused()
    {
        File.WriteAllText(Path.Combine(folder, "tokenizer", "tokenizer_config.json"), """{ "model_max_length": 16 }""");

        var act = () => new OnnxClipConditionerNode().ExecuteAsync(Context());

        (await act.Should().ThrowAsync<InvalidDataException>()).WithMessage("*takes 77 tokens*pads to 16*model_max_length*");
    }

    [Fact]
    public async Task Requiring_cuda_without_the_gpu_runtime_says_why_and_what_to_do()
    {
        if (OnnxSessions.AvailableProviders().Contains(OnnxSessions.CudaProviderName))
        {
            return; // A host built with -p:DiffusionOnnxGpu=true: CUDA may well be there.
        }

        var act = () => new OnnxUNetDenoiserNode().ExecuteAsync(Context(new JsonObject { ["execution_provider"] = "cuda" }));

        (await act.Should().ThrowAsync<NotSupportedException>()).WithMessage("*no CUDA provider*DiffusionOnnxGpu=true*auto or cpu*");
    }

    [Fact]
    public async Task Auto_falls_back_to_the_cpu_and_logs_the_reason()
    {
        using var context = Context(new JsonObject { ["execution_provider"] = "auto" });
        var denoiser = (OnnxUNetDenoiser)(await new OnnxUNetDenoiserNode().ExecuteAsync(context)).Values["denoiser"];

        if (denoiser.Model.ExecutionProvider == "CPUExecutionProvider")
        {
            context.LogLines.Should().Contain(l => l.Contains("runs on the CPU", StringComparison.Ordinal));
        }
    }

    private TestNodeContext Context(JsonObject? extra = null)
    {
        var parameters = new JsonObject { ["model"] = folder };
        foreach (var (key, value) in extra ?? [])
        {
            parameters[key] = value?.DeepClone();
        }

        return new TestNodeContext("node", parameters);
    }

    private void Edit(string file, Action<JsonObject> change)
    {
        var path = Path.Combine(folder, file);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        change(json);
        File.WriteAllText(path, json.ToJsonString());
    }
}
