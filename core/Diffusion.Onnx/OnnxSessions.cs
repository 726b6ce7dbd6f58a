using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Diffusion.Torch.Files;

namespace Diffusion.Onnx;

/// <summary>
/// Creates ONNX Runtime sessions from <see cref="OnnxSessionSettings"/>. The execution provider is decided per session:
/// CUDA when asked for (or on auto) and this host's ONNX Runtime has it (the host built with
/// <c>-p:DiffusionOnnxGpu=true</c>) and the CUDA libraries load; otherwise the CPU, and the reason is logged.
/// </summary>
public static class OnnxSessions
{
    /// <summary>The largest .onnx file opened: protobuf's 2 GiB message limit.</summary>
    public const long MaxModelBytes = int.MaxValue;

    /// <summary>The name ONNX Runtime gives its CUDA provider.</summary>
    public const string CudaProviderName = "CUDAExecutionProvider";

    /// <summary>The providers this process's ONNX Runtime was built with.</summary>
    /// <exception cref="OnnxRuntimeUnavailableException">The native ONNX Runtime library cannot be loaded.</exception>
    public static IReadOnlyList<string> AvailableProviders()
    {
        try
        {
            return OrtEnv.Instance().GetAvailableProviders();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or BadImageFormatException)
        {
            throw new OnnxRuntimeUnavailableException(
                "The ONNX Runtime native library (libonnxruntime) cannot be loaded in this host: " + e.Message +
                " The host must reference Microsoft.ML.OnnxRuntime (CPU) or Microsoft.ML.OnnxRuntime.Gpu.Linux (see core/Diffusion.Onnx/build/OnnxRuntimeHost.targets); the diffuse CLI does.", e);
        }
    }

    /// <summary>
    /// Opens the model at <paramref name="modelPath"/> with <paramref name="settings"/>; the provider used is in the
    /// returned <see cref="OnnxModel.ExecutionProvider"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">ONNX Runtime cannot load the file (the message names it).</exception>
    /// <exception cref="NotSupportedException">CUDA was required but is not available (the message says why).</exception>
    public static OnnxModel Open(string modelPath, OnnxSessionSettings settings, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(logger);
        // ONNX Runtime opens the file itself; check first that it is a regular file within protobuf's 2 GiB limit (larger
        // models keep their weights in external data files), so a FIFO or a device never reaches it.
        using (SafeFile.OpenRead(modelPath, MaxModelBytes, "ONNX model"))
        {
        }

        var available = AvailableProviders();
        var options = new SessionOptions
        {
            GraphOptimizationLevel = settings.GraphOptimization switch
            {
                OnnxGraphOptimization.Disabled => GraphOptimizationLevel.ORT_DISABLE_ALL,
                OnnxGraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                OnnxGraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            },
            IntraOpNumThreads = settings.IntraOpThreads,
            InterOpNumThreads = settings.InterOpThreads,
            ExecutionMode = settings.InterOpThreads > 1 ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
        };
        try
        {
            var provider = ChooseProvider(options, settings, available, modelPath, logger);
            InferenceSession session;
            try
            {
                session = new InferenceSession(modelPath, options);
            }
            catch (OnnxRuntimeException e)
            {
                throw new InvalidDataException($"ONNX Runtime cannot load '{modelPath}': {e.Message}", e);
            }

            return new OnnxModel(session, modelPath, provider);
        }
        finally
        {
            // The session keeps its own copy of the options.
            options.Dispose();
        }
    }

    private static string ChooseProvider(SessionOptions options, OnnxSessionSettings settings, IReadOnlyList<string> available, string modelPath, ILogger logger)
    {
        if (settings.ExecutionProvider == OnnxExecutionProvider.Cpu)
        {
            return "CPUExecutionProvider";
        }

        string? reason = null;
        if (!available.Contains(CudaProviderName))
        {
            reason = $"this host's ONNX Runtime has no CUDA provider (providers: {string.Join(", ", available)}); build the host with -p:DiffusionOnnxGpu=true for Microsoft.ML.OnnxRuntime.Gpu.Linux";
        }
        else
        {
            try
            {
                options.AppendExecutionProvider_CUDA(settings.CudaDevice);
                logger.LogInformation("ONNX Runtime: '{Model}' runs on CUDA device {Device}.", modelPath, settings.CudaDevice);
                return CudaProviderName;
            }
            catch (OnnxRuntimeException e)
            {
                reason = $"the CUDA provider did not load ({e.Message.Trim()}); it needs CUDA 13 and cuDNN 9 libraries on the library path and a visible GPU";
            }
        }

        if (settings.ExecutionProvider == OnnxExecutionProvider.Cuda)
        {
            throw new NotSupportedException($"ONNX Runtime: execution_provider is cuda for '{modelPath}', but {reason}. Use execution_provider auto or cpu.");
        }

        logger.LogInformation("ONNX Runtime: '{Model}' runs on the CPU: {Reason}.", modelPath, reason);
        return "CPUExecutionProvider";
    }
}
