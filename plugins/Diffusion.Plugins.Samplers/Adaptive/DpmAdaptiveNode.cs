using Diffusion.Contracts;

namespace Diffusion.Plugins.Samplers.Adaptive;

/// <summary><c>sampler.dpm_adaptive</c>: adaptive-step DPM-Solver-12/23 (Lu et al. 2022, Sec. 3.3).</summary>
internal sealed class DpmAdaptiveNode : NodeType<DpmAdaptiveOptions>
{
    protected override string Name => "sampler.dpm_adaptive";

    protected override string Category => "sampling";

    protected override string Description => "Adaptive-step DPM-Solver (k-diffusion dpm_adaptive): embedded DPM-Solver-2/3 pair with a PID step-size controller in lambda = -log sigma; ignores steps, reports NFE.";

    protected override IReadOnlyList<PortDescriptor> Outputs => [new("sampler", PortType.Sampler, "The adaptive DPM-Solver.")];

    protected override IEnumerable<ValidationIssue> ValidateOptions(DpmAdaptiveOptions options, NodeValidationContext context)
    {
        if (!(options.Rtol > 0 || options.Atol > 0))
        {
            yield return context.ParamIssue("rtol", "rtol or atol must be positive.");
        }

        if (options.SigmaMin > 0 && options.SigmaMax > 0 && !(options.SigmaMax > options.SigmaMin))
        {
            yield return context.ParamIssue("sigma_max", $"sigma_max ({options.SigmaMax}) must exceed sigma_min ({options.SigmaMin}).");
        }
    }

    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, DpmAdaptiveOptions options) =>
        Task.FromResult(NodeOutputs.Of("sampler", new DpmAdaptiveSampler(options)));
}
