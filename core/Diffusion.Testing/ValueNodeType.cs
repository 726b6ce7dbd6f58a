using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Diffusion.Contracts;

namespace Diffusion.Testing;

/// <summary>A node that outputs a value the test handed to <see cref="PluginTestHost"/>, typed as the input it feeds.</summary>
internal sealed class ValueNodeType(string name, PortType type, ConcurrentDictionary<string, object> values) : INodeType
{
    public NodeTypeDescriptor Descriptor { get; } = new()
    {
        Name = name,
        Category = "testing",
        Description = "A value given by the test.",
        Outputs = [new PortDescriptor("value", type, "The value.")],
        Params = [new ParamDescriptor { Name = "key", Kind = ParamKind.String, Required = true }],
        // Never answered from the cache: two tests may hand different values under equal params.
        HasSideEffects = true,
    };

    public Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = context.GetParams<JsonObject>()["key"]!.GetValue<string>();
        return Task.FromResult(NodeOutputs.Of("value", values[key]));
    }
}
