using Diffusion.Nn;
using Diffusion.Plugins.Tests.Infrastructure;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Nn;

/// <summary>
/// Every folder under <c>&lt;fixtures&gt;/models</c> (DIFFUSION_FIXTURES_DIR overrides the repository copy) is
/// recognised by its config, loaded strictly from its weights, run on its io.safetensors inputs and compared with the
/// reference outputs of diffusers/transformers: relative error below 1e-4 for every output. A folder that is not
/// recognised, an input this harness does not pass, or an output it does not compare fails its row.
/// </summary>
public sealed class ModelFolderParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Folders()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.EnumerateDirectories(Fixtures.Path("models")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void Model_matches_its_reference_outputs(string folder)
    {
        var dir = Fixtures.Path("models", folder);
        File.Exists(Path.Combine(dir, "io.safetensors")).Should().BeTrue($"{folder} needs an io.safetensors with in.* inputs and out.* outputs");
        var kind = ModelFolder.Recognise(dir);
        using var io = new ModelIo(dir);
        using (no_grad())
        {
            switch (kind)
            {
                case ModelFolderKind.UNet2DConditionModel:
                    RunUNet2DCondition(dir, io);
                    break;
                case ModelFolderKind.AutoencoderKL:
                    RunAutoencoderKL(dir, io);
                    break;
                case ModelFolderKind.ClipTextModel:
                    RunClipText(dir, io);
                    break;
                case ModelFolderKind.UNet2DModel:
                    RunUNet2D(dir, io);
                    break;
                default:
                    throw new InvalidOperationException($"{folder}: recognised as {kind}, which this harness cannot run.");
            }
        }

        foreach (var (name, error) in io.Errors)
        {
            output.WriteLine($"{folder} ({kind}) out.{name}: max relative error {error:E2}");
        }

        io.Unused.Should().BeEmpty($"{folder}: every in.* must be passed and every out.* compared");
        io.Errors.Should().NotBeEmpty($"{folder}: at least one output must be compared");
        io.Errors.Where(e => e.Value >= Tolerance).Should().BeEmpty($"{folder}: relative error must stay below {Tolerance}");
    }

    [Fact]
    public void The_models_folder_has_cases()
    {
        Folders().Should().NotBeEmpty($"{Fixtures.Path("models")} must hold at least one model folder");
    }

    [Fact]
    public void The_repository_copy_holds_one_folder_of_each_supported_kind()
    {
        var kinds = Directory.EnumerateDirectories(Fixtures.RepositoryPath("models")).Select(ModelFolder.Recognise).ToList();
        kinds.Should().BeEquivalentTo(Enum.GetValues<ModelFolderKind>());
    }

    private static void RunUNet2DCondition(string dir, ModelIo io)
    {
        using var model = ModelFolder.LoadUNet2DCondition(dir);
        using var result = model.Forward(io.Input("sample"), io.Input("timestep"), io.Input("encoder_hidden_states"), io.OptionalInput("class_labels"));
        io.Compare("sample", result);
    }

    private static void RunAutoencoderKL(string dir, ModelIo io)
    {
        using var model = ModelFolder.LoadAutoencoderKL(dir);
        if (io.HasInput("image"))
        {
            using var posterior = model.Encode(io.Input("image"));
            io.CompareIfPresent("latent_mean", posterior.Mean);
            io.CompareIfPresent("latent_logvar", posterior.LogVar);
        }

        if (io.HasInput("latent"))
        {
            using var decoded = model.Decode(io.Input("latent"));
            io.CompareIfPresent("decoded", decoded);
        }
    }

    private static void RunClipText(string dir, ModelIo io)
    {
        using var model = ModelFolder.LoadClipText(dir);
        using var result = model.Forward(io.Input("input_ids"), io.OptionalInput("attention_mask"));
        io.CompareIfPresent("last_hidden_state", result.LastHiddenState);
        io.CompareIfPresent("pooler_output", result.PoolerOutput);
    }

    private static void RunUNet2D(string dir, ModelIo io)
    {
        using var model = ModelFolder.LoadUNet2D(dir);
        using var result = model.forward(io.Input("sample"), io.Input("timestep"), io.OptionalInput("class_labels"));
        io.Compare("sample", result);
    }
}
