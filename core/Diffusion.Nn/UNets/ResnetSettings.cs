namespace Diffusion.Nn;

/// <summary>The ResNet settings every block of one UNet shares (diffusers passes them to each block separately).</summary>
/// <param name="TembChannels">Width of the time embedding; 0 for blocks without time input (the autoencoder's).</param>
/// <param name="Groups">GroupNorm groups (<c>norm_num_groups</c>).</param>
/// <param name="Eps">GroupNorm epsilon (<c>norm_eps</c>).</param>
/// <param name="Dropout">Dropout inside ResNet blocks.</param>
/// <param name="TimeConditioning">How temb enters (<c>resnet_time_scale_shift</c>).</param>
public sealed record ResnetSettings(int TembChannels, int Groups, double Eps, double Dropout, ResnetTimeConditioning TimeConditioning)
{
    /// <summary>A ResNet block with these settings.</summary>
    public ResnetBlock2D Block(int inChannels, int outChannels, double outputScaleFactor = 1.0) =>
        new(inChannels, outChannels, TembChannels > 0 ? TembChannels : null, Groups, Eps, Dropout, TimeConditioning, outputScaleFactor);
}
