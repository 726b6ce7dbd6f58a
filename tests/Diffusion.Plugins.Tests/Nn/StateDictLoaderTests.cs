using Diffusion.Nn;
using Diffusion.Plugins.Tests.Infrastructure;
using Diffusion.Torch;
using FluentAssertions;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Nn;

public sealed class StateDictLoaderTests : IDisposable
{
    private readonly string tempDir = Directory.CreateTempSubdirectory("nn-loader-").FullName;
    private static string FixtureDir => Fixtures.RepositoryPath("models", "unet2d_ddpm_tiny");

    public void Dispose() => Directory.Delete(tempDir, recursive: true);

    private static UNet2DModel NewModel() => new(UNet2DConfig.Load(System.IO.Path.Combine(FixtureDir, "config.json")));

    [Fact]
    public void A_truncated_weights_file_gives_an_error_naming_the_file()
    {
        var bytes = File.ReadAllBytes(System.IO.Path.Combine(FixtureDir, "diffusion_pytorch_model.safetensors"));
        var truncated = System.IO.Path.Combine(tempDir, "truncated.safetensors");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        using var model = NewModel();

        var act = () => StateDictLoader.Load(model, truncated);

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain(truncated).And.Contain("truncated");
    }

    [Fact]
    public void A_mis_shaped_missing_or_extra_tensor_is_listed_with_shapes()
    {
        var tensors = new Dictionary<string, Tensor>(SafeTensors.Load(System.IO.Path.Combine(FixtureDir, "diffusion_pytorch_model.safetensors")));
        tensors["conv_in.weight"] = zeros(32, 3, 5, 5);
        tensors.Remove("conv_out.bias");
        tensors["extra.weight"] = zeros(2);
        var path = System.IO.Path.Combine(tempDir, "bad.safetensors");
        SafeTensors.Save(path, tensors);
        using var model = NewModel();

        var act = () => StateDictLoader.Load(model, path);

        act.Should().Throw<InvalidDataException>().Which.Message.Should()
            .Contain(path)
            .And.Contain("'conv_in.weight' has shape [32, 3, 5, 5], expected [32, 3, 3, 3]")
            .And.Contain("missing 'conv_out.bias' (expected shape [3])")
            .And.Contain("unexpected 'extra.weight' (shape [2])");
    }

    [Fact]
    public void An_unsupported_config_value_names_the_field()
    {
        var act = () => UNet2DConfig.Parse("""{ "time_embedding_type": "fourier", "down_block_types": ["CrossAttnDownBlock2D"], "block_out_channels": [32] , "up_block_types": ["UpBlock2D"] }""", "test.json");

        act.Should().Throw<InvalidDataException>().Which.Message.Should()
            .Contain("test.json").And.Contain("'time_embedding_type'").And.Contain("'down_block_types'");
    }

    [Fact]
    public void An_unknown_config_field_is_an_error()
    {
        var act = () => UNet2DConfig.Parse("""{ "cross_attention_dim": 768 }""", "cfg.json");

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain("cross_attention_dim");
    }

    [Fact]
    public void A_config_round_trips_through_json()
    {
        var config = new UNet2DConfig { SampleSize = 28, InChannels = 1, OutChannels = 1, BlockOutChannels = [32, 64], DownBlockTypes = ["DownBlock2D", "AttnDownBlock2D"], UpBlockTypes = ["AttnUpBlock2D", "UpBlock2D"], NumClassEmbeds = 11 };

        var parsed = UNet2DConfig.Parse(config.ToJson(), "round-trip");

        parsed.ToJson().Should().Be(config.ToJson());
        parsed.NumClassEmbeds.Should().Be(11);
    }
}
