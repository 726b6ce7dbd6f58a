namespace Diffusion.Onnx;

/// <summary>The host has no loadable ONNX Runtime native library.</summary>
public sealed class OnnxRuntimeUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OnnxRuntimeUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public OnnxRuntimeUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public OnnxRuntimeUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
