namespace Diffusion.Onnx;

/// <summary>How an ONNX Runtime session is created: threads, graph optimisation and execution provider.</summary>
public sealed record OnnxSessionSettings
{
    /// <summary>Threads inside one operator (0: ONNX Runtime's default, one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads running independent operators in parallel (0: default; above 1 switches to parallel execution).</summary>
    public int InterOpThreads { get; init; }

    /// <summary>Graph optimisation level.</summary>
    public OnnxGraphOptimization GraphOptimization { get; init; } = OnnxGraphOptimization.All;

    /// <summary>Execution provider.</summary>
    public OnnxExecutionProvider ExecutionProvider { get; init; } = OnnxExecutionProvider.Auto;

    /// <summary>The CUDA device ordinal for the CUDA provider.</summary>
    public int CudaDevice { get; init; }
}
