namespace Diffusion.Torch;

/// <summary>How <see cref="TorchRuntime.EnsureInitialized"/> sets up TorchSharp.</summary>
public sealed record TorchRuntimeOptions
{
    /// <summary>
    /// The device to compute on: <c>auto</c> (CUDA when available, otherwise CPU), <c>cpu</c>,
    /// <c>cuda</c> or <c>cuda:N</c>. Validated at initialization so a bad setting fails early.
    /// </summary>
    public string Device { get; init; } = "auto";

    /// <summary>
    /// A folder holding libtorch.so and libtorch_cpu.so (and libtorch_cuda.so for CUDA), such as a
    /// PyTorch install's <c>torch/lib</c>. When null, the <c>DIFFUSION_LIBTORCH_DIR</c> environment
    /// variable, the application folder and the NuGet package folder are searched, in that order.
    /// </summary>
    public string? LibTorchDirectory { get; init; }

    /// <summary>Intra-op threads for torch (<c>torch.set_num_threads</c>); null leaves libtorch's default.</summary>
    public int? Threads { get; init; }
}
