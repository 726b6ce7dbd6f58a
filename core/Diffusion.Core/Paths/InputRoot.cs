namespace Diffusion.Core;

/// <summary>A folder a pipeline may read inputs from.</summary>
/// <param name="Path">The folder, absolute, with symbolic links resolved.</param>
/// <param name="Origin">Why it is a root, for messages: "the pipeline's folder", "--input-root".</param>
public sealed record InputRoot(string Path, string Origin);
