using Diffusion.Nn;
using Diffusion.Plugins.Tests.Infrastructure;
using Diffusion.Torch;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Nn;

public sealed class UNet2DParityTests
{
    [Theory]
    [MemberData(nameof(UNet2DFixtures.Folders), MemberType = typeof(UNet2DFixtures))]
    public void Output_matches_diffusers(string folder)
    {
        var dir = Fixtures.Path("models", folder);
        var config = UNet2DConfig.Load(System.IO.Path.Combine(dir, "config.json"));
        using var model = new UNet2DModel(config);
        StateDictLoader.Load(model, System.IO.Path.Combine(dir, "diffusion_pytorch_model.safetensors"));
        model.eval();
        var io = SafeTensors.Load(System.IO.Path.Combine(dir, "io.safetensors"));
        try
        {
            using var _ = no_grad();
            io.TryGetValue("in.class_labels", out var labels);
            using var output = model.forward(io["in.sample"], io["in.timestep"], labels);
            var reference = io["out.sample"];
            output.shape.Should().Equal(reference.shape);
            double maxDiff = (output - reference).abs().max().item<float>();
            double maxRef = reference.abs().max().item<float>();
            (maxDiff / maxRef).Should().BeLessThan(1e-4, $"{folder}: max |ours - diffusers| = {maxDiff}, max |diffusers| = {maxRef}");
        }
        finally
        {
            foreach (var t in io.Values)
            {
                t.Dispose();
            }
        }
    }

    [Fact]
    public void The_ddpm_fixture_is_recognised_as_a_UNet2DModel()
    {
        UNet2DFixtures.Folders().Select(f => (string)f[0]).Should().Contain("unet2d_ddpm_tiny");
    }
}
