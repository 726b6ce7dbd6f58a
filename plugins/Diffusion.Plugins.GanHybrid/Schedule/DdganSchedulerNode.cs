using Diffusion.Contracts;
using Diffusion.Sdk;

namespace Diffusion.Plugins.GanHybrid;

/// <summary><c>scheduler.ddgan</c>: the T-level discretised VP schedule of Denoising Diffusion GANs.</summary>
public sealed class DdganSchedulerNode : SchedulerNodeType<DdganSchedulerOptions>
{
    /// <inheritdoc />
    protected override string Name => "scheduler.ddgan";

    /// <inheritdoc />
    protected override string Description => "The discretised VP schedule of Denoising Diffusion GANs (Xiao et al. 2022): T levels of the VP SDE with β from β_min to β_max; its inference schedule is the whole chain T−1..0.";

    /// <inheritdoc />
    protected override IScheduler Create(DdganSchedulerOptions options) => new DdganScheduler(options);
}
