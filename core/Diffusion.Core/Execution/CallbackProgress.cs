namespace Diffusion.Core;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports synchronously on the reporting thread. <see cref="Progress{T}"/> posts to
/// the thread pool, which reorders step events, outlives the node, and makes a value read in the callback (a live
/// tensor count, a clock) describe some later moment instead of the step that reported it.
/// </summary>
/// <typeparam name="T">The progress value.</typeparam>
/// <param name="callback">Called with every reported value, on the reporting thread.</param>
public sealed class CallbackProgress<T>(Action<T> callback) : IProgress<T>
{
    /// <inheritdoc />
    public void Report(T value) => callback(value);
}
