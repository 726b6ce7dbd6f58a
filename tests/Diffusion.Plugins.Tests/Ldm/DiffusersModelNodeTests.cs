using System.Text.Json.Nodes;
using Diffusion.Plugins.Ldm;
using Diffusion.Plugins.Tests.Infrastructure;

namespace Diffusion.Plugins.Tests.Ldm;

/// <summary><c>model.diffusers</c> on broken copies of pipelines/models/sd-tiny: every error names the file and the field.</summary>
public sealed class DiffusersModelNodeTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("sd-tiny-").FullName;

    public DiffusersModelNodeTests()
    {
        var source = Path.Combine(Fixtures.Repository, "..", "..", "..", "pipelines", "models", "sd-tiny");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task A_folder_without_model_index_is_not_a_pipeline_folder()
    {
        File.Delete(Path.Combine(folder, "model_index.json"));

        (await Run().Should().ThrowAsync<FileNotFoundException>()).WithMessage("*model_index.json*");
    }

    [Fact]
    public async Task An_unknown_pipeline_class_names_the_field()
    {
        Edit("model_index.json", json => json["_class_name"] = "StableDiffusionXLPipeline");

        (await Run().Should().ThrowAsync<InvalidDataException>()).WithMessage("*model_index.json*'_class_name'*StableDiffusionXLPipeline*StableDiffusionPipeline*");
    }

    [Fact]
    public async Task A_missing_part_names_the_field()
    {
        Edit("model_index.json", json => json.Remove("vae"));

        (await Run().Should().ThrowAsync<InvalidDataException>()).WithMessage("*model_index.json*'vae' is missing*AutoencoderKL*");
    }

    [Fact]
    public async Task A_listed_part_whose_folder_is_gone_names_the_folder()
    {
        Directory.Delete(Path.Combine(folder, "text_encoder"), recursive: true);

        (await Run().Should().ThrowAsync<DirectoryNotFoundException>()).WithMessage("*'text_encoder'*");
    }

    [Fact]
    public async Task A_part_of_another_class_names_the_field()
    {
        Edit("model_index.json", json => json["unet"] = new JsonArray("diffusers", "UNet2DModel"));

        (await Run().Should().ThrowAsync<InvalidDataException>()).WithMessage("*'unet'*UNet2DModel*UNet2DConditionModel*");
    }

    [Fact]
    public async Task Parts_of_different_models_are_refused_before_loading_weights()
    {
        Edit(Path.Combine("text_encoder", "config.json"), json => json["hidden_size"] = 64);

        (await Run().Should().ThrowAsync<InvalidDataException>()).WithMessage("*unet*config.json*'cross_attention_dim'*[32]*text_encoder*'hidden_size' is 64*");
    }

    [Fact]
    public async Task A_size_off_the_vae_grid_says_which_sizes_work()
    {
        (await Run(new JsonObject { ["height"] = 33 }).Should().ThrowAsync<ArgumentException>()).WithMessage("*height 33*factor 2*32*");
    }

    private Func<Task> Run(JsonObject? extra = null) => async () =>
    {
        var parameters = new JsonObject { ["model"] = folder };
        foreach (var (key, value) in extra ?? [])
        {
            parameters[key] = value?.DeepClone();
        }

        using var context = new TestNodeContext("model", parameters);
        await new DiffusersModelNode().ExecuteAsync(context);
    };

    private void Edit(string file, Action<JsonObject> change)
    {
        var path = Path.Combine(folder, file);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        change(json);
        File.WriteAllText(path, json.ToJsonString());
    }
}
