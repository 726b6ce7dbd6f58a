namespace Diffusion.Plugins.Mnist;

/// <summary>A measured property of a digit that captions state (see <see cref="DigitMeasurements"/>).</summary>
public enum DigitProperty
{
    /// <summary>Ink pixel count: thin / thick.</summary>
    Thickness,

    /// <summary>Bounding-box area: small / large.</summary>
    Size,

    /// <summary>Second-moment shear: slanted to the left / to the right.</summary>
    Slant,
}
