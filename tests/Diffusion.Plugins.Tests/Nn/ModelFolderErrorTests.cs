using System.Text.Json.Nodes;
using Diffusion.Nn;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Nn;

/// <summary>Broken model folders give errors that name the file and the field (or key) and say what is wrong.</summary>
public sealed class ModelFolderErrorTests
{
    [Fact]
    public void An_unknown_class_name_names_the_file_and_field()
    {
        using var copy = new ModelFolderCopy("unet_sd_tiny").EditConfig(c => c["_class_name"] = "UNet3DConditionModel");

        FluentActions.Invoking(() => ModelFolder.Recognise(copy.Folder)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{copy.ConfigPath}*'_class_name'*UNet3DConditionModel*");
        FluentActions.Invoking(() => ModelFolder.LoadUNet2DCondition(copy.Folder)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{copy.ConfigPath}*'_class_name'*UNet3DConditionModel*");
    }

    [Fact]
    public void A_block_type_we_do_not_have_names_the_file_field_and_what_is_supported()
    {
        using var copy = new ModelFolderCopy("unet_sd_tiny").EditConfig(c => c["down_block_types"] = new JsonArray("SimpleCrossAttnDownBlock2D", "DownBlock2D"));

        FluentActions.Invoking(() => ModelFolder.LoadUNet2DCondition(copy.Folder)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{copy.ConfigPath}*'down_block_types'*SimpleCrossAttnDownBlock2D*supported: CrossAttnDownBlock2D, DownBlock2D*");
    }

    [Fact]
    public void Unsupported_features_and_unknown_fields_are_all_listed()
    {
        using var copy = new ModelFolderCopy("unet_sd_tiny").EditConfig(c =>
        {
            c["addition_embed_type"] = "text_time";
            c["time_cond_proj_dim"] = 256;
            c["brand_new_field"] = 1;
            c["attention_head_dim"] = new JsonArray(8, 8, 8);
        });

        FluentActions.Invoking(() => ModelFolder.LoadUNet2DCondition(copy.Folder)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{copy.ConfigPath}*'attention_head_dim'*3 entries*'time_cond_proj_dim'*LCM*'addition_embed_type'*SDXL*'brand_new_field' is unknown*");
    }

    [Fact]
    public void A_wrong_json_type_names_the_field()
    {
        using var copy = new ModelFolderCopy("vae_tiny").EditConfig(c => c["latent_channels"] = "four");

        FluentActions.Invoking(() => ModelFolder.LoadAutoencoderKL(copy.Folder)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{copy.ConfigPath}*'latent_channels' must be an integer, got \"four\"*");
    }

    [Fact]
    public void Weights_that_do_not_fit_the_config_name_the_file_the_key_and_both_shapes()
    {
        using var copy = new ModelFolderCopy("unet_sd_tiny").EditConfig(c => c["cross_attention_dim"] = 16);

        FluentActions.Invoking(() => ModelFolder.LoadUNet2DCondition(copy.Folder)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{copy.WeightsPath}*'down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight' has shape [32, 32], expected [32, 16]*");
    }

    [Fact]
    public void Missing_and_unexpected_keys_are_named()
    {
        using var copy = new ModelFolderCopy("vae_tiny").EditWeights(tensors =>
        {
            var edited = tensors.Where(kv => kv.Key != "quant_conv.bias").ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            edited["extra.weight"] = zeros(2);
            return edited;
        });

        FluentActions.Invoking(() => ModelFolder.LoadAutoencoderKL(copy.Folder)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{copy.WeightsPath}*missing 'quant_conv.bias' (expected shape [8])*unexpected 'extra.weight' (shape [2])*");
    }

    [Fact]
    public void Missing_files_say_what_a_model_folder_holds()
    {
        using var copy = new ModelFolderCopy("vae_tiny");
        File.Move(copy.WeightsPath, Path.Combine(copy.Folder, "diffusion_pytorch_model.bin"));

        FluentActions.Invoking(() => ModelFolder.LoadAutoencoderKL(copy.Folder)).Should().Throw<FileNotFoundException>()
            .WithMessage("*diffusion_pytorch_model.safetensors, model.safetensors*diffusion_pytorch_model.bin*Only safetensors*");

        File.Delete(copy.ConfigPath);
        FluentActions.Invoking(() => ModelFolder.Recognise(copy.Folder)).Should().Throw<FileNotFoundException>().WithMessage("*has no config.json*");
    }

    [Fact]
    public void Transformers_architectures_other_than_the_text_model_are_named()
    {
        using var copy = new ModelFolderCopy("clip_text_tiny").EditConfig(c => c["architectures"] = new JsonArray("CLIPTextModelWithProjection"));

        FluentActions.Invoking(() => ModelFolder.Recognise(copy.Folder)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{copy.ConfigPath}*'architectures'*CLIPTextModelWithProjection*");
        FluentActions.Invoking(() => ModelFolder.LoadClipText(copy.Folder)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{copy.ConfigPath}*'architectures'*CLIPTextModelWithProjection*");
    }

    [Fact]
    public void Unsupported_clip_and_autoencoder_values_name_the_field()
    {
        using var clip = new ModelFolderCopy("clip_text_tiny").EditConfig(c => c["hidden_act"] = "relu");
        FluentActions.Invoking(() => ModelFolder.LoadClipText(clip.Folder)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{clip.ConfigPath}*'hidden_act'*relu*quick_gelu, gelu*");

        using var vae = new ModelFolderCopy("vae_tiny").EditConfig(c => c["latents_mean"] = new JsonArray(0.1, 0.2, 0.3, 0.4));
        FluentActions.Invoking(() => ModelFolder.LoadAutoencoderKL(vae.Folder)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{vae.ConfigPath}*'latents_mean'*");
    }

    [Fact]
    public void A_config_of_no_known_network_is_not_recognised()
    {
        using var copy = new ModelFolderCopy("vae_tiny");
        File.WriteAllText(copy.ConfigPath, """{ "hidden_size": 3 }""");

        FluentActions.Invoking(() => ModelFolder.Recognise(copy.Folder)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{copy.ConfigPath}*'_class_name'*'architectures'*");

        File.WriteAllText(copy.ConfigPath, "{ not json");
        FluentActions.Invoking(() => ModelFolder.Recognise(copy.Folder)).Should().Throw<InvalidDataException>()
            .WithMessage($"*{copy.ConfigPath}*not valid JSON*");
    }

    [Fact]
    public void A_pipeline_folder_without_the_component_says_which_part_is_missing()
    {
        var root = Directory.CreateTempSubdirectory("sd-pipeline-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "model_index.json"), """{ "_class_name": "StableDiffusionPipeline" }""");

            FluentActions.Invoking(() => ModelFolder.Component(root, "unet")).Should().Throw<FileNotFoundException>()
                .WithMessage("*pipeline folder*'unet/config.json'*");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
