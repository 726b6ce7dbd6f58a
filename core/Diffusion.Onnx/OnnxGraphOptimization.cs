namespace Diffusion.Onnx;

/// <summary>ONNX Runtime's graph optimisation levels (SessionOptions.GraphOptimizationLevel).</summary>
public enum OnnxGraphOptimization
{
    /// <summary>No graph rewrites.</summary>
    Disabled,

    /// <summary>Semantics-preserving node removals and constant folding.</summary>
    Basic,

    /// <summary>Basic plus fusions (attention, GELU, layer norm) for the CPU and CUDA providers.</summary>
    Extended,

    /// <summary>Extended plus layout optimisations (the default).</summary>
    All,
}
