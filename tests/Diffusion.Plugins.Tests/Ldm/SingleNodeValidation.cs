using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Core;

namespace Diffusion.Plugins.Tests.Ldm;

/// <summary>
/// Validates a one-node pipeline file in <c>folder</c> with the host's validator, which checks path params (existence,
/// kind, input roots) as well as the node's own rules; <c>INodeType.Validate</c> alone sees only the latter.
/// </summary>
internal static class SingleNodeValidation
{
    public static IReadOnlyList<ValidationIssue> Issues(INodeType nodeType, JsonObject parameters, string folder)
    {
        var registry = new NodeTypeRegistry();
        registry.TryAdd(nodeType, "test", out _).Should().BeTrue();
        var pipeline = new JsonObject
        {
            ["version"] = 1,
            ["nodes"] = new JsonObject { ["node"] = new JsonObject { ["type"] = nodeType.Descriptor.Name, ["params"] = parameters } },
        };
        var read = PipelineReader.Read(pipeline.ToJsonString(), Path.Combine(folder, "pipeline.json"));
        read.Issues.Should().BeEmpty();
        return new PipelineValidator(registry).Validate(read.Pipeline!, read.Positions).Issues;
    }
}
