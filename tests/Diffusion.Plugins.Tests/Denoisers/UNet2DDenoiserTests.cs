using Diffusion.Contracts;
using Diffusion.Plugins.Denoisers;
using Diffusion.Plugins.Tests.Infrastructure;
using Diffusion.Torch;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Denoisers;

public sealed class UNet2DDenoiserTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("unet-denoiser-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static UNet2DDenoiserOptions Tiny => new()
    {
        SampleSize = 8, InChannels = 1, BlockOutChannels = [8, 16], DownBlockTypes = ["DownBlock2D", "AttnDownBlock2D"],
        UpBlockTypes = ["AttnUpBlock2D", "UpBlock2D"], AttentionHeadDim = 8, NormNumGroups = 4, NumClassEmbeds = 11, Seed = 1,
    };

    [Fact]
    public void A_diffusers_folder_loads_with_its_shape()
    {
        var denoiser = UNet2DDenoiser.Create(new UNet2DDenoiserOptions { Pretrained = Fixtures.RepositoryPath("models", "unet2d_ddpm_tiny") }, p => p, CPU);

        denoiser.Info.SampleShape.Should().Equal(3L, 16L, 16L);
        denoiser.Info.NumClasses.Should().Be(0);
        denoiser.Info.Prediction.Should().Be(PredictionType.Epsilon);
    }

    [Fact]
    public void A_class_conditional_model_reserves_the_last_label_as_null_and_round_trips_through_a_checkpoint()
    {
        var denoiser = UNet2DDenoiser.Create(Tiny, p => p, CPU);
        denoiser.Info.NumClasses.Should().Be(10);
        denoiser.Config["node_type"].Should().Be("denoiser.unet2d");
        var path = Path.Combine(dir, "ckpt.safetensors");
        SafeTensors.Save(path, denoiser.Network.state_dict(), denoiser.Config);

        var loaded = UNet2DDenoiser.Create(new UNet2DDenoiserOptions { Pretrained = path }, p => p, CPU);
        using var _ = no_grad();
        var x = randn(2, 1, 8, 8);
        var t = tensor(new long[] { 3, 700 });
        var labels = new Contracts.Conditioning { ClassLabels = tensor(new long[] { 2, 10 }) };

        (loaded.Forward(x, t, labels) - denoiser.Forward(x, t, labels)).abs().max().item<float>().Should().Be(0f);
        (denoiser.Forward(x, t) - denoiser.Forward(x, t, new Contracts.Conditioning { ClassLabels = tensor(new long[] { 10, 10 }) }))
            .abs().max().item<float>().Should().Be(0f, "no conditioning means the null label");
    }

    [Fact]
    public void A_training_checkpoint_loads_its_ema_weights_and_ignores_the_optimizer_state()
    {
        var trained = UNet2DDenoiser.Create(Tiny, p => p, CPU);
        var ema = UNet2DDenoiser.Create(Tiny with { Seed = 2 }, p => p, CPU);
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, tensor) in trained.Network.state_dict())
        {
            tensors[$"network.{name}"] = tensor;
            tensors[$"optimizer.{name}.exp_avg"] = zeros_like(tensor);
        }

        foreach (var (name, tensor) in ema.Network.state_dict())
        {
            tensors[$"ema.{name}"] = tensor;
        }

        var metadata = new Dictionary<string, string>(trained.Config) { ["format"] = "diffusion.training_checkpoint", ["step"] = "3", ["ema"] = "true" };
        var path = Path.Combine(dir, "training.safetensors");
        SafeTensors.Save(path, tensors, metadata);

        var loaded = UNet2DDenoiser.Create(new UNet2DDenoiserOptions { Pretrained = path }, p => p, CPU);
        using var _ = no_grad();
        var x = randn(2, 1, 8, 8);
        var t = tensor(new long[] { 3, 700 });
        (loaded.Forward(x, t) - ema.Forward(x, t)).abs().max().item<float>().Should().Be(0f, "the EMA weights are the ones to sample with");
        (loaded.Forward(x, t) - trained.Forward(x, t)).abs().max().item<float>().Should().BeGreaterThan(0f);
    }

    [Fact]
    public void Inference_keeps_no_autograd_graph_but_a_network_in_train_mode_does()
    {
        var denoiser = UNet2DDenoiser.Create(Tiny, p => p, CPU);
        var x = randn(2, 1, 8, 8);
        var t = tensor(new long[] { 3, 700 });

        denoiser.Forward(x, t).requires_grad.Should().BeFalse("a sampler chains hundreds of steps; a graph would keep them all alive");

        var trainee = denoiser.Replicate(CPU);
        trainee.Forward(x, t).requires_grad.Should().BeFalse("a replica (e.g. an EMA shadow) is an inference denoiser until a trainer says otherwise");
        trainee.Network.train();
        trainee.Forward(x, t).requires_grad.Should().BeTrue("a trainer needs gradients");
    }

    [Fact]
    public void A_replica_is_independent_of_the_original()
    {
        var denoiser = UNet2DDenoiser.Create(Tiny, p => p, CPU);
        var replica = denoiser.Replicate(CPU);
        using (no_grad())
        {
            foreach (var p in replica.Network.parameters())
            {
                p.zero_();
            }
        }

        denoiser.Network.parameters().Sum(p => p.abs().sum().item<float>()).Should().BeGreaterThan(0f);
    }

    [Fact]
    public void A_checkpoint_without_config_metadata_is_a_clear_error()
    {
        var path = Path.Combine(dir, "plain.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["x"] = zeros(1) });

        var act = () => UNet2DDenoiser.Create(new UNet2DDenoiserOptions { Pretrained = path }, p => p, CPU);

        act.Should().Throw<InvalidDataException>().WithMessage("*no 'config' entry*");
    }
}
