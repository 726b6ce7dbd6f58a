using Diffusion.Contracts;
using Diffusion.Onnx;

namespace Diffusion.Plugins.Onnx;

/// <summary>The ONNX Runtime session params every ONNX node takes.</summary>
public abstract record OnnxSessionParams
{
    [Param("An ONNX Stable Diffusion folder (diffusers/OnnxStack layout: model_index.json, unet/, vae_decoder/, vae_encoder/, text_encoder/, tokenizer/, scheduler/), relative to the pipeline file.", Required = true, Path = PathKind.InputFolder)]
    public string Model { get; init; } = "";

    [Param("auto: CUDA when this host's ONNX Runtime has it and CUDA loads (else the CPU, with the reason logged); cpu; cuda (an error when unavailable).")]
    public OnnxExecutionProvider ExecutionProvider { get; init; } = OnnxExecutionProvider.Auto;

    [Param("Threads inside one operator (0: ONNX Runtime's default, one per physical core).", Min = 0, Max = 1024)]
    public int IntraOpThreads { get; init; }

    [Param("Threads running independent operators at once (0: default; above 1 turns on parallel execution).", Min = 0, Max = 1024)]
    public int InterOpThreads { get; init; }

    [Param("ONNX Runtime graph optimisation level.")]
    public OnnxGraphOptimization GraphOptimization { get; init; } = OnnxGraphOptimization.All;

    [Param("CUDA device for the CUDA provider.", Min = 0, Max = 64)]
    public int CudaDevice { get; init; }

    /// <summary>The session settings these params give.</summary>
    public OnnxSessionSettings Session => new()
    {
        ExecutionProvider = ExecutionProvider,
        IntraOpThreads = IntraOpThreads,
        InterOpThreads = InterOpThreads,
        GraphOptimization = GraphOptimization,
        CudaDevice = CudaDevice,
    };
}
