using Diffusion.Contracts;

namespace Diffusion.Plugins.SparseAttention;

/// <summary>Names and ports the <c>attention.*</c> node types share.</summary>
internal static class AttentionNodes
{
    /// <summary>The category in listings.</summary>
    public const string Category = "attention";

    /// <summary>The output every backend node has.</summary>
    public static IReadOnlyList<PortDescriptor> BackendOutput { get; } =
        [new("backend", PortType.AttentionBackend, "The backend; link it to a network's 'attention' input.")];

    /// <summary>Outputs <paramref name="backend"/> on the <c>backend</c> port.</summary>
    public static Task<NodeOutputs> Output(IAttentionBackend backend) => Task.FromResult(NodeOutputs.Of("backend", backend));
}
