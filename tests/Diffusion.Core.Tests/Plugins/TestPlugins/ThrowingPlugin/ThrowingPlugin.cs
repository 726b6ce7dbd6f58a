using Diffusion.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Tests.ThrowingPlugin;

/// <summary>Gets halfway through registering and throws, as a plugin with a bug would.</summary>
public sealed class ThrowingPlugin : IDiffusionPlugin
{
    /// <summary>The message of the exception Register throws, so tests can look for it in the failure.</summary>
    public const string FailureMessage = "ThrowingPlugin failed on purpose after registering 'test.throwing_partial'.";

    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new PartialNodeType());
        registrar.Services.AddSingleton<PartialService>();
        throw new InvalidOperationException(FailureMessage);
    }
}

/// <summary>A service that must not reach the host.</summary>
public sealed class PartialService;

/// <summary>A node type that must not reach the host.</summary>
public sealed class PartialNodeType : NodeType<PartialNodeType.Options>
{
    /// <summary>No params.</summary>
    public sealed class Options;

    /// <inheritdoc />
    protected override string Name => "test.throwing_partial";

    /// <inheritdoc />
    protected override string Description => "Registered by a plugin that then throws.";

    /// <inheritdoc />
    protected override Task<NodeOutputs> ExecuteAsync(INodeExecutionContext context, Options options) =>
        Task.FromResult(NodeOutputs.None);
}
