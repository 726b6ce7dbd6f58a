namespace Diffusion.Torch;

/// <summary>
/// Setting up TorchSharp failed: a native library was not found or did not load, or a device is not
/// available. The message says what failed, which path was involved and what to do about it.
/// </summary>
public sealed class TorchRuntimeException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public TorchRuntimeException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    public TorchRuntimeException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with no message (for serializers and analyzers).</summary>
    public TorchRuntimeException() { }
}
