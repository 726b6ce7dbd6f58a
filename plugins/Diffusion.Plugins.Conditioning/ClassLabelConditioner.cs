using Diffusion.Contracts;
using static TorchSharp.torch;

namespace Diffusion.Plugins.ClassConditioning;

/// <summary>
/// Class labels as conditioning (a label-embedding denoiser's table index); the unconditional branch of classifier-free
/// guidance is the null label (Ho &amp; Salimans 2022, Sec. 3.2: the condition dropped to ∅). Immutable.
/// </summary>
public sealed class ClassLabelConditioner : IConditioner
{
    /// <summary>Creates the conditioner for <paramref name="classes"/> classes; <paramref name="nullLabel"/> is the ∅ label.</summary>
    public ClassLabelConditioner(int classes, int nullLabel)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        Classes = classes;
        NullLabel = nullLabel;
    }

    /// <summary>The number of classes.</summary>
    public int Classes { get; }

    /// <summary>The label of the unconditional branch.</summary>
    public int NullLabel { get; }

    /// <inheritdoc />
    public Conditioning Encode(ConditionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Labels is not { Count: > 0 } labels)
        {
            throw new ArgumentException("conditioner.class_labels encodes class labels: the condition input has none; give labels.", nameof(input));
        }

        if (labels.Where(l => l < 0 || l >= Classes).Select(l => (int?)l).FirstOrDefault() is { } bad)
        {
            throw new ArgumentException($"conditioner.class_labels: label {bad} is outside 0..{Classes - 1}.", nameof(input));
        }

        return new Conditioning { ClassLabels = tensor(labels.Select(l => (long)l).ToArray(), ScalarType.Int64) };
    }

    /// <inheritdoc />
    public Conditioning Unconditional(int batch, ConditionInput? negative = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        return negative?.Labels is { Count: > 0 } ? Encode(negative) : new Conditioning { ClassLabels = full(batch, (long)NullLabel, ScalarType.Int64) };
    }
}
