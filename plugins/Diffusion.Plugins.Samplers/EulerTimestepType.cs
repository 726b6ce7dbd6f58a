namespace Diffusion.Plugins.Samplers;

/// <summary>What an Euler-family sampler passes the network as time (diffusers' <c>timestep_type</c>).</summary>
public enum EulerTimestepType
{
    /// <summary>The schedule's timestep.</summary>
    Discrete,

    /// <summary>0.25 log σ (EDM-style v-prediction models).</summary>
    Continuous,
}
