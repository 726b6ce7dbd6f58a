using Diffusion.Contracts;
using Diffusion.Nn;
using Diffusion.Plugins.Ldm;
using Diffusion.Plugins.Tests.Infrastructure;
using Diffusion.Plugins.Tests.Nn;
using Diffusion.Text;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Ldm;

/// <summary>The component classes over the tiny reference networks (repository copies), against the reference outputs.</summary>
public sealed class LdmComponentTests
{
    private static string Model(string name) => Fixtures.RepositoryPath("models", name);

    [Fact]
    public void Prompts_through_tokenizer_and_text_encoder_give_the_reference_embeddings()
    {
        // clip_text_tiny's reference ids are these two prompts tokenized by transformers: tokenizer and encoder together.
        var conditioner = new ClipTextConditioner(ClipTokenizer.FromFolder(Fixtures.RepositoryPath("tokenizer")), ModelFolder.LoadClipText(Model("clip_text_tiny")));
        using var io = new ModelIo(Model("clip_text_tiny"));

        var conditioning = conditioner.Encode(new ConditionInput { Prompts = ["a photograph of an astronaut riding a horse", "A cute cat"] });

        io.Compare("last_hidden_state", conditioning.EncoderHiddenStates!).Should().BeLessThan(1e-4);
        io.Compare("pooler_output", conditioning.PooledEmbeddings!).Should().BeLessThan(1e-4);
        conditioning.EncoderHiddenStates!.requires_grad.Should().BeFalse();
    }

    [Fact]
    public void The_unconditional_branch_is_the_empty_or_negative_prompt()
    {
        var conditioner = new ClipTextConditioner(ClipTokenizer.FromFolder(Fixtures.RepositoryPath("tokenizer")), ModelFolder.LoadClipText(Model("clip_text_tiny")));

        var empty = conditioner.Unconditional(3);
        var explicitEmpty = conditioner.Encode(new ConditionInput { Prompts = ["", "", ""] });
        empty.EncoderHiddenStates!.shape.Should().Equal(3, 77, 32);
        ModelIo.RelativeError(empty.EncoderHiddenStates, explicitEmpty.EncoderHiddenStates!).Should().Be(0);

        var negative = conditioner.Unconditional(2, new ConditionInput { Prompts = ["blurry"] });
        var blurry = conditioner.Encode(new ConditionInput { Prompts = ["blurry", "blurry"] });
        ModelIo.RelativeError(negative.EncoderHiddenStates!, blurry.EncoderHiddenStates!).Should().Be(0, "one negative prompt serves the whole batch");

        FluentActions.Invoking(() => conditioner.Unconditional(3, new ConditionInput { Prompts = ["a", "b"] }))
            .Should().Throw<ArgumentException>().WithMessage("*2 negative prompts for a batch of 3*");
        FluentActions.Invoking(() => conditioner.Encode(new ConditionInput { Labels = [1] }))
            .Should().Throw<ArgumentException>().WithMessage("*no prompts*");
    }

    [Fact]
    public void The_denoiser_reproduces_the_reference_and_broadcasts_one_text_row()
    {
        var denoiser = new UNet2DConditionDenoiser(ModelFolder.LoadUNet2DCondition(Model("unet_sd_tiny")), PredictionType.Epsilon);
        using var io = new ModelIo(Model("unet_sd_tiny"));
        var sample = io.Input("sample");
        var context = io.Input("encoder_hidden_states");

        using var output = denoiser.Forward(sample, io.Input("timestep"), new Conditioning { EncoderHiddenStates = context });

        io.Compare("sample", output).Should().BeLessThan(1e-4);
        output.requires_grad.Should().BeFalse();
        denoiser.Info.Should().Match<DenoiserInfo>(i => i.CrossAttentionDim == 32 && i.TimeInput == TimeInput.Timestep);
        denoiser.Info.SampleShape.Should().Equal(4L, 16L, 16L);

        using var first = context[..1];
        using var broadcast = denoiser.Forward(sample, tensor(500L), new Conditioning { EncoderHiddenStates = first });
        using var repeated = denoiser.Forward(sample, tensor(500L), new Conditioning { EncoderHiddenStates = first.expand(2, -1, -1) });
        ModelIo.RelativeError(broadcast, repeated).Should().Be(0);

        FluentActions.Invoking(() => denoiser.Forward(sample, tensor(1L), new Conditioning()))
            .Should().Throw<ArgumentException>().WithMessage("*EncoderHiddenStates*conditioner.clip_text*");
        FluentActions.Invoking(() => denoiser.Forward(sample, tensor(1L), new Conditioning { EncoderHiddenStates = randn(2, 7, 16) }))
            .Should().Throw<ArgumentException>().WithMessage("*cross_attention_dim*");
    }

    [Fact]
    public void The_encoder_scales_the_posterior_mean_and_decodes_unscaled_latents()
    {
        var encoder = new AutoencoderKlEncoder(ModelFolder.LoadAutoencoderKL(Model("vae_tiny")));
        using var io = new ModelIo(Model("vae_tiny"));

        using var latents = encoder.Encode(io.Input("image"));
        io.Compare("latent_mean", latents / 0.18215).Should().BeLessThan(1e-4);
        using var decoded = encoder.Decode(io.Input("latent") * 0.18215);
        io.Compare("decoded", decoded).Should().BeLessThan(1e-4);

        encoder.ScalingFactor.Should().Be(0.18215);
        encoder.LatentShape([3, 16, 16]).Should().Equal(4L, 8L, 8L);
        encoder.LatentShape([3, 17, 9]).Should().Equal(4L, 8L, 4L);
        FluentActions.Invoking(() => encoder.LatentShape([1, 16, 16])).Should().Throw<ArgumentException>().WithMessage("*[3, height, width]*");
    }

    [Fact]
    public void Posterior_samples_come_from_the_cpu_generator_and_the_seed()
    {
        var encoder = new AutoencoderKlEncoder(ModelFolder.LoadAutoencoderKL(Model("vae_tiny")));
        using var io = new ModelIo(Model("vae_tiny"));
        var image = io.Input("image");
        var mean = io.Reference("latent_mean");
        var std = (0.5 * io.Reference("latent_logvar")).exp();

        using var first = encoder.Encode(image, new Generator(7));
        using var again = encoder.Encode(image, new Generator(7));
        var expected = (mean + std * randn(mean.shape, generator: new Generator(7))) * 0.18215;

        ModelIo.RelativeError(first, again).Should().Be(0);
        ModelIo.RelativeError(first, expected).Should().BeLessThan(1e-4, "z = μ + σ ε with ε drawn from the generator, then scaled");
    }
}
