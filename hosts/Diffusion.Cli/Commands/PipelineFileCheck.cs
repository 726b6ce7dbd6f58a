using Diffusion.Cli.Rendering;
using Diffusion.Contracts;
using Diffusion.Core;

namespace Diffusion.Cli.Commands;

/// <summary>Reads a pipeline file with its overrides and validates it, the shared first half of <c>validate</c> and <c>run</c>.</summary>
internal static class PipelineFileCheck
{
    /// <summary>
    /// The pipeline when it reads and validates cleanly; otherwise null, after printing every problem of both stages.
    /// The reader and the validator both report a node without a type (see <see cref="PipelineValidator"/>), so
    /// identical issues are printed once.
    /// </summary>
    public static ValidatedPipeline? ReadAndValidate(IPipelineRunner runner, PipelineFileSettings settings) =>
        ReadAndValidate(runner, settings, out _);

    /// <summary>As above, also handing back where each pointer is in the file (for problems found later, before the run).</summary>
    public static ValidatedPipeline? ReadAndValidate(IPipelineRunner runner, PipelineFileSettings settings, out JsonPositionIndex positions)
    {
        var read = runner.ReadFile(settings.Pipeline, settings.Overrides);
        positions = read.Positions;
        var issues = read.Issues.ToList();
        ValidatedPipeline? validated = null;
        if (read.Pipeline is not null)
        {
            var validation = runner.Validate(read.Pipeline, read.Positions);
            issues.AddRange(validation.Issues);
            validated = validation.Pipeline;
        }

        if (issues.Count == 0 && validated is not null)
        {
            return validated;
        }

        IssuePrinter.Print(settings.Pipeline, [.. issues.Distinct()]);
        return null;
    }
}
