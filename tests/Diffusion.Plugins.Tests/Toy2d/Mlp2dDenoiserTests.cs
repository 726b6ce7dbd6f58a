using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Plugins.Tests.Infrastructure;
using Diffusion.Plugins.Toy2d;
using Diffusion.Torch;
using FluentAssertions;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Toy2d;

public sealed class Mlp2dDenoiserTests : IDisposable
{
    private static readonly Mlp2dOptions Small = new() { Hidden = 16, Layers = 3, TimeEmbeddingDim = 8, Seed = 11 };
    private readonly string folder = Directory.CreateTempSubdirectory("mlp2d-tests").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Forward_keeps_the_shape_needs_no_grad_and_depends_on_time()
    {
        var denoiser = Mlp2dDenoiser.Create(Small, CPU);
        var x = ones(5, 2);
        var early = denoiser.Forward(x, tensor(10L));
        var late = denoiser.Forward(x, full(5, 900L));

        early.shape.Should().Equal(5, 2);
        early.requires_grad.Should().BeFalse();
        early.allclose(late).Should().BeFalse();
        denoiser.Info.Prediction.Should().Be(PredictionType.Epsilon);
        denoiser.Config["node_type"].Should().Be("denoiser.mlp2d");
    }

    [Fact]
    public void Initialisation_is_reproducible_per_seed_and_state_dict_keys_are_documented_names()
    {
        var a = Mlp2dDenoiser.Create(Small, CPU);
        var b = Mlp2dDenoiser.Create(Small, CPU);
        var c = Mlp2dDenoiser.Create(Small with { Seed = 12 }, CPU);

        a.Network.state_dict().Keys.Should().Equal(
            "time_proj.weight", "time_proj.bias", "input_proj.weight", "input_proj.bias", "hidden_layers.0.weight", "hidden_layers.0.bias",
            "hidden_layers.1.weight", "hidden_layers.1.bias", "output_proj.weight", "output_proj.bias");
        a.Network.state_dict()["input_proj.weight"].shape.Should().Equal(16, 2 + 8);
        a.Network.state_dict()["input_proj.weight"].Exactly(b.Network.state_dict()["input_proj.weight"]).Should().BeTrue();
        a.Network.state_dict()["input_proj.weight"].Exactly(c.Network.state_dict()["input_proj.weight"]).Should().BeFalse();
    }

    [Fact]
    public void Checkpoint_round_trip_restores_architecture_and_outputs()
    {
        var original = Mlp2dDenoiser.Create(Small with { Prediction = PredictionType.VPrediction, NumClasses = 3 }, CPU);
        var path = Path.Combine(folder, "net.safetensors");
        original.Save(path);

        var loaded = Mlp2dDenoiser.Load(path, CPU);
        var x = randn(4, 2);
        var t = tensor(new long[] { 1, 200, 500, 999 });
        var labels = new Diffusion.Contracts.Conditioning { ClassLabels = tensor(new long[] { 0, 1, 2, 3 }) };

        loaded.Info.Prediction.Should().Be(PredictionType.VPrediction);
        loaded.Info.NumClasses.Should().Be(3);
        loaded.Forward(x, t, labels).Exactly(original.Forward(x, t, labels)).Should().BeTrue();
    }

    [Fact]
    public void A_mis_shaped_tensor_is_an_error_naming_it_and_both_shapes()
    {
        var path = WriteAltered(tensors => tensors["output_proj.weight"] = zeros(2, 17));

        var act = () => Mlp2dDenoiser.Load(path, CPU);

        act.Should().Throw<InvalidDataException>().WithMessage("*output_proj.weight*[2, 17]*[2, 16]*");
    }

    [Fact]
    public void Missing_and_unexpected_tensors_are_errors_naming_them()
    {
        var missing = WriteAltered(tensors => tensors.Remove("hidden_layers.1.bias"));
        var extra = WriteAltered(tensors => tensors["hidden_layers.2.weight"] = zeros(16, 16));

        FluentActions.Invoking(() => Mlp2dDenoiser.Load(missing, CPU)).Should().Throw<InvalidDataException>().WithMessage("*hidden_layers.1.bias*missing*");
        FluentActions.Invoking(() => Mlp2dDenoiser.Load(extra, CPU)).Should().Throw<InvalidDataException>().WithMessage("*hidden_layers.2.weight*not a parameter*");
    }

    [Fact]
    public void Replicate_is_a_deep_copy()
    {
        var original = Mlp2dDenoiser.Create(Small, CPU);
        var copy = original.Replicate(CPU);
        var before = original.Network.state_dict()["output_proj.bias"].clone();

        using (no_grad())
        {
            copy.Network.state_dict()["output_proj.bias"].add_(1);
        }

        original.Network.state_dict()["output_proj.bias"].Exactly(before).Should().BeTrue();
        copy.Network.state_dict()["output_proj.bias"].Exactly(before + 1).Should().BeTrue();
    }

    [Fact]
    public async Task The_node_loads_a_checkpoint_relative_to_the_pipeline_folder_and_ignores_architecture_params()
    {
        Mlp2dDenoiser.Create(Small, CPU).Save(Path.Combine(folder, "net.safetensors"));
        using var context = new TestNodeContext("net", new JsonObject { ["checkpoint"] = "net.safetensors", ["hidden"] = 999 }, new RunContext
        {
            RunId = "r",
            Device = CPU,
            OutputDirectory = folder,
            BaseDirectory = folder,
            Logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
        });

        var outputs = await new Mlp2dNode().ExecuteAsync(context);

        ((Mlp2dDenoiser)outputs.Values["denoiser"]).Options.Hidden.Should().Be(16);
    }

    private string WriteAltered(Action<Dictionary<string, Tensor>> alter)
    {
        var denoiser = Mlp2dDenoiser.Create(Small, CPU);
        var tensors = new Dictionary<string, Tensor>(denoiser.Network.state_dict());
        alter(tensors);
        var path = Path.Combine(folder, $"{Guid.NewGuid():N}.safetensors");
        SafeTensors.Save(path, tensors, new Dictionary<string, string>(denoiser.Config));
        return path;
    }
}
