namespace Diffusion.Contracts;

/// <summary>
/// The type of a value that flows along a link between nodes (ComfyUI's socket types). A link is valid when the
/// producer's type is the consumer's type or derives from it (<see cref="IsAssignableTo"/>), or the consumer takes
/// <see cref="Any"/>. Plugins may define their own port types; names are compared ordinally.
/// </summary>
public sealed class PortType : IEquatable<PortType>
{
    /// <summary>Creates a port type.</summary>
    /// <param name="name">A short lower-case name shown in errors and schemas, e.g. <c>denoiser</c>.</param>
    /// <param name="clrType">The .NET type a value on this port has at run time.</param>
    /// <param name="base">A more general port type this one can be linked to (e.g. <c>images</c> to <c>tensor</c>).</param>
    public PortType(string name, Type clrType, PortType? @base = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(clrType);
        Name = name;
        ClrType = clrType;
        Base = @base;
    }

    /// <summary>The name used in schemas and messages.</summary>
    public string Name { get; }

    /// <summary>The run-time type of values on this port.</summary>
    public Type ClrType { get; }

    /// <summary>The more general port type, if any.</summary>
    public PortType? Base { get; }

    /// <summary>Accepts anything.</summary>
    public static PortType Any { get; } = new("any", typeof(object));

    /// <summary>A tensor of any shape.</summary>
    public static PortType Tensor { get; } = new("tensor", typeof(TorchSharp.torch.Tensor));

    /// <summary>Points in R^d, a tensor [count, d].</summary>
    public static PortType Points { get; } = new("points", typeof(TorchSharp.torch.Tensor), Tensor);

    /// <summary>Images, a float tensor [batch, channels, height, width] with values in [-1, 1].</summary>
    public static PortType Images { get; } = new("images", typeof(TorchSharp.torch.Tensor), Tensor);

    /// <summary>Integer class labels, a tensor [batch] of int64.</summary>
    public static PortType Labels { get; } = new("labels", typeof(TorchSharp.torch.Tensor), Tensor);

    /// <summary>An <see cref="IDataset"/>.</summary>
    public static PortType Dataset { get; } = new("dataset", typeof(IDataset));

    /// <summary>An <see cref="IDenoiser"/>.</summary>
    public static PortType Denoiser { get; } = new("denoiser", typeof(IDenoiser));

    /// <summary>An <see cref="IScheduler"/>.</summary>
    public static PortType Scheduler { get; } = new("scheduler", typeof(IScheduler));

    /// <summary>An <see cref="ISampler"/>.</summary>
    public static PortType Sampler { get; } = new("sampler", typeof(ISampler));

    /// <summary>An <see cref="InferenceSchedule"/>: the steps a sampler walks (whole, sliced or split).</summary>
    public static PortType Schedule { get; } = new("schedule", typeof(InferenceSchedule));

    /// <summary>Latents, a float tensor [batch, channels, height, width] in an encoder's diffusion space (already scaled).</summary>
    public static PortType Latents { get; } = new("latents", typeof(TorchSharp.torch.Tensor), Tensor);

    /// <summary>An <see cref="IEncoder"/>.</summary>
    public static PortType Encoder { get; } = new("encoder", typeof(IEncoder));

    /// <summary>An <see cref="IConditioner"/>.</summary>
    public static PortType Conditioner { get; } = new("conditioner", typeof(IConditioner));

    /// <summary>A <see cref="Contracts.Conditioning"/> value.</summary>
    public static PortType Conditioning { get; } = new("conditioning", typeof(Conditioning));

    /// <summary>An <see cref="IAttentionBackend"/>.</summary>
    public static PortType AttentionBackend { get; } = new("attention", typeof(IAttentionBackend));

    /// <summary>Named scalar results (<see cref="MetricSet"/>).</summary>
    public static PortType Metrics { get; } = new("metrics", typeof(MetricSet));

    /// <summary>A path of a file the node wrote.</summary>
    public static PortType File { get; } = new("file", typeof(string));

    /// <summary>Whether a value of this type may be linked to a port of <paramref name="target"/>.</summary>
    public bool IsAssignableTo(PortType target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Name == Any.Name)
        {
            return true;
        }

        for (PortType? t = this; t is not null; t = t.Base)
        {
            if (t.Equals(target))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public bool Equals(PortType? other) => other is not null && string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PortType);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    /// <inheritdoc />
    public override string ToString() => Name;
}
