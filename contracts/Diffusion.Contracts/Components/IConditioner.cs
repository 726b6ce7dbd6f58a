namespace Diffusion.Contracts;

/// <summary>
/// Turns conditions (labels, prompts, images) into the tensors a denoiser takes, and supplies the unconditional
/// branch for classifier-free guidance (null label, empty or negative prompt).
/// </summary>
public interface IConditioner
{
    /// <summary>Encodes one condition per batch item.</summary>
    Conditioning Encode(ConditionInput input);

    /// <summary>The unconditional counterpart for a batch of <paramref name="batch"/> items; <paramref name="negative"/> optionally replaces it (negative prompts).</summary>
    Conditioning Unconditional(int batch, ConditionInput? negative = null);
}
