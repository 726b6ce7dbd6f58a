using Diffusion.Contracts;
using Diffusion.Core;
using Diffusion.Plugins.Tests.Infrastructure;

namespace Diffusion.Plugins.Tests.FewStep;

/// <summary>
/// Issue 11's check on the grid of 25 Gaussians, kept true for the shipped 4-call models (pipelines/models): the
/// progressive student, the consistency model and the DDGAN generator each beat DDIM-4 and DPM++ 2M-4 of their teacher
/// by SWD and by MMD, and cover all 25 modes. The baselines are computed in the same test from the shipped teacher.
/// </summary>
public sealed class ShippedGridModelTests(Xunit.Abstractions.ITestOutputHelper log) : IDisposable
{
    private readonly ShippedPipelineRunner pipelines = new();

    public void Dispose() => pipelines.Dispose();

    [Fact]
    public async Task The_shipped_four_call_grid_models_beat_ddim_4_and_dpmpp_2m_4_and_cover_all_25_modes()
    {
        // Only the 4-call rows of the baselines pipeline are compared; its 1,000-, 64- and 32-step rows are cut to 1 step
        // so the test does not spend most of its time on rows it never reads.
        var baselines = await pipelines.RunAsync("fewstep-grid-baselines.json",
            "sample_ddpm_1000.params.steps=1", "sample_ddim_64.params.steps=1", "sample_ddim_32.params.steps=1");
        var shipped = await pipelines.RunAsync("fewstep-grid-shipped.json");
        var ddim = Row(baselines, "row_ddim_4");
        var dpm = Row(baselines, "row_dpmpp_2m_4");
        ddim["nfe"].Should().Be(4);
        dpm["nfe"].Should().Be(4);

        foreach (var row in new[] { "row_student_4", "row_cm_4", "row_ddgan_4" })
        {
            var metrics = Row(shipped, row);
            log.WriteLine($"{row}: SWD {metrics["swd"]:G4} (DDIM-4 {ddim["swd"]:G4}, DPM++ 2M-4 {dpm["swd"]:G4}), MMD {metrics["mmd"]:G4} ({ddim["mmd"]:G4}, {dpm["mmd"]:G4}), modes {metrics["modes_found"]}");
            metrics["nfe"].Should().Be(4, row);
            metrics["swd"].Should().BeLessThan(Math.Min(ddim["swd"], dpm["swd"]), row);
            metrics["mmd"].Should().BeLessThan(Math.Min(ddim["mmd"], dpm["mmd"]), row);
            metrics["modes_found"].Should().Be(25, row);
        }
    }

    private static IReadOnlyDictionary<string, double> Row(PipelineRunResult result, string node) =>
        result.Output<MetricSet>(node, "metrics").Values;
}
