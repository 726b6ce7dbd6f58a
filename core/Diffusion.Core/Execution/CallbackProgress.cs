namespace Diffusion.Core;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports synchronously on the caller's thread. <see cref="Progress{T}"/> posts to
/// the thread pool, which reorders step events and outlives the node.
/// </summary>
internal sealed class CallbackProgress<T>(Action<T> callback) : IProgress<T>
{
    public void Report(T value) => callback(value);
}
