using Diffusion.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>
/// Score-based generative modelling through SDEs (Song et al. 2021): the VE, VP and sub-VP SDE schedulers, the
/// predictor-corrector and probability-flow ODE samplers, and the diffusers <c>ScoreSdeVeScheduler</c> mapping.
/// </summary>
public sealed class ScoreSdePlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new VeSchedulerNode());
        registrar.AddNodeType(new VpSchedulerNode());
        registrar.AddNodeType(new SubVpSchedulerNode());
        registrar.AddNodeType(new PredictorCorrectorNode());
        registrar.AddNodeType(new ProbabilityFlowNode());
        registrar.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IDiffusersSchedulerMapping, ScoreSdeVeDiffusersMapping>());
    }
}
