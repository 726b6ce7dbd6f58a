namespace Diffusion.Plugins.Tests.Toy2d;

/// <summary>A fact that takes minutes: skipped unless <c>DIFFUSION_TOY2D_FULL=1</c> (kept out of the CI budget).</summary>
internal sealed class FullSizeFactAttribute : FactAttribute
{
    public const string EnvironmentVariable = "DIFFUSION_TOY2D_FULL";

    public FullSizeFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) != "1")
        {
            Skip = $"Full-size training run (minutes); set {EnvironmentVariable}=1 to run it.";
        }
    }
}
