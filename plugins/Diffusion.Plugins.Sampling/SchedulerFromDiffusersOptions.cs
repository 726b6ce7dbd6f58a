using System.Text.Json.Nodes;
using Diffusion.Contracts;

namespace Diffusion.Plugins.Sampling;

/// <summary>Params of <c>scheduler.from_diffusers</c>.</summary>
public sealed record SchedulerFromDiffusersOptions
{
    [Param("Path of a diffusers scheduler_config.json.", Required = true, Path = PathKind.InputFile)]
    public string Path { get; init; } = "";

    [Param("Arguments diffusers passes to step(), e.g. {\"eta\": 0.5}.")]
    public JsonObject? StepKwargs { get; init; }
}
