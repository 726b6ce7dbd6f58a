namespace Diffusion.Onnx;

/// <summary>Where ONNX Runtime runs a session's graph.</summary>
public enum OnnxExecutionProvider
{
    /// <summary>CUDA when this host's ONNX Runtime has the CUDA provider and CUDA loads; else the CPU, with the reason logged.</summary>
    Auto,

    /// <summary>The CPU provider.</summary>
    Cpu,

    /// <summary>The CUDA provider; an error when it is not available.</summary>
    Cuda,
}
