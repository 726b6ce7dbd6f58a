namespace Diffusion.Core;

/// <summary>Why a path param cannot be used: a stable validation code and a sentence about the path itself.</summary>
/// <param name="Code">A <see cref="Diffusion.Contracts.ValidationCodes"/> value.</param>
/// <param name="Message">What is wrong and what to do, without naming the param (the caller does).</param>
internal sealed record PathProblem(string Code, string Message);
