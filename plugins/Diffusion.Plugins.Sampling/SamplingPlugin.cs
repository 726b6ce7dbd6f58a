using Diffusion.Contracts;

namespace Diffusion.Plugins.Sampling;

/// <summary>
/// Entry point of the Sampling plugin: <c>sample</c>, the schedule nodes (<c>schedule</c>, <c>schedule.slice</c>,
/// <c>schedule.split</c>), <c>scheduler.from_diffusers</c>, and <c>encode</c>/<c>decode</c> and <c>dataset.encode</c> for latent diffusion.
/// </summary>
public sealed class SamplingPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new SampleNode());
        registrar.AddNodeType(new ScheduleNode());
        registrar.AddNodeType(new ScheduleSliceNode());
        registrar.AddNodeType(new ScheduleSplitNode());
        registrar.AddNodeType(new SchedulerFromDiffusersNode());
        registrar.AddNodeType(new EncodeNode());
        registrar.AddNodeType(new DecodeNode());
        registrar.AddNodeType(new EncodeDatasetNode());
    }
}
