using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Onnx;

/// <summary>
/// One ONNX graph in an ONNX Runtime session, run on TorchSharp tensors. Inputs are converted to the element type
/// the graph declares, made contiguous on the CPU and wrapped without a copy (<see cref="OnnxTensorBridge"/>); outputs
/// are written into preallocated tensors when the caller gives them (no copy), else copied once out of ONNX Runtime's
/// buffers. Shapes are checked against the graph first, so a mismatch is an error naming the file and the input.
/// <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// may be called concurrently, so one model serves concurrent runs.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession session;

    internal OnnxModel(InferenceSession session, string path, string executionProvider)
    {
        this.session = session;
        Path = path;
        ExecutionProvider = executionProvider;
        Inputs = Describe(session.InputMetadata);
        Outputs = Describe(session.OutputMetadata);
    }

    /// <summary>The .onnx file.</summary>
    public string Path { get; }

    /// <summary>The provider the session runs on (CPUExecutionProvider, CUDAExecutionProvider).</summary>
    public string ExecutionProvider { get; }

    /// <summary>The graph's inputs by name.</summary>
    public IReadOnlyDictionary<string, OnnxTensorInfo> Inputs { get; }

    /// <summary>The graph's outputs by name.</summary>
    public IReadOnlyDictionary<string, OnnxTensorInfo> Outputs { get; }

    /// <summary>The input named <paramref name="name"/>.</summary>
    /// <exception cref="InvalidDataException">The graph has no such input (the message lists those it has).</exception>
    public OnnxTensorInfo Input(string name) => Inputs.TryGetValue(name, out var info)
        ? info
        : throw new InvalidDataException($"ONNX model '{Path}' has no input '{name}' (inputs: {string.Join(", ", Inputs.Values.Select(i => $"{i.Name} {i.DescribeShape()}"))}); is it the right part of the model folder?");

    /// <summary>The output named <paramref name="name"/>.</summary>
    /// <exception cref="InvalidDataException">The graph has no such output.</exception>
    public OnnxTensorInfo Output(string name) => Outputs.TryGetValue(name, out var info)
        ? info
        : throw new InvalidDataException($"ONNX model '{Path}' has no output '{name}' (outputs: {string.Join(", ", Outputs.Keys)}); is it the right part of the model folder?");

    /// <summary>
    /// Runs the graph. Each input tensor is brought to the CPU in the graph's element type (no copy when it already is a
    /// contiguous CPU tensor of that type). Returns the requested outputs on the CPU in the graph's element type; an
    /// output given in <paramref name="preallocated"/> (contiguous CPU, right type and shape) is filled in place and
    /// returned.
    /// </summary>
    /// <exception cref="ArgumentException">An input's shape does not fit the graph (the message names file and input).</exception>
    public IReadOnlyDictionary<string, Tensor> Run(
        IReadOnlyList<KeyValuePair<string, Tensor>> inputs,
        IReadOnlyList<string> outputs,
        IReadOnlyDictionary<string, Tensor>? preallocated = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        using var scope = NewDisposeScope();
        var keepAlive = new List<Tensor>();
        var inputValues = new List<OrtValue>();
        var outputValues = new List<OrtValue>();
        try
        {
            foreach (var (name, tensor) in inputs)
            {
                var info = Input(name);
                if (info.Mismatch(tensor.shape) is { } problem)
                {
                    throw new ArgumentException($"ONNX model '{Path}': input '{name}' {problem}.");
                }

                var bridged = tensor.to(info.ScalarType, CPU).contiguous();
                keepAlive.Add(bridged);
                inputValues.Add(OnnxTensorBridge.Wrap(bridged));
            }

            foreach (var name in outputs)
            {
                Output(name);
            }

            var results = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            using var runOptions = new RunOptions();
            var inputNames = inputs.Select(i => i.Key).ToArray();
            if (preallocated is not null && outputs.All(preallocated.ContainsKey))
            {
                foreach (var name in outputs)
                {
                    var target = preallocated[name];
                    if (target.dtype != Outputs[name].ScalarType || target.device_type != DeviceType.CPU || !target.is_contiguous())
                    {
                        throw new ArgumentException($"ONNX model '{Path}': the buffer for output '{name}' must be a contiguous CPU {Outputs[name].ScalarType} tensor.");
                    }

                    outputValues.Add(OnnxTensorBridge.Wrap(target));
                }

                RunChecked(() => session.Run(runOptions, inputNames, inputValues, outputs.ToArray(), outputValues));
                foreach (var name in outputs)
                {
                    results[name] = preallocated[name];
                }

                return results;
            }

            using var produced = RunChecked(() => session.Run(runOptions, inputNames, inputValues, outputs.ToArray()));
            int index = 0;
            foreach (var value in produced)
            {
                results[outputs[index]] = OnnxTensorBridge.Copy(value, outputs[index]).MoveToOuterDisposeScope();
                index++;
            }

            return results;
        }
        finally
        {
            inputValues.ForEach(v => v.Dispose());
            outputValues.ForEach(v => v.Dispose());

            // The values point into these tensors' memory: they must not be collected before the run has returned.
            GC.KeepAlive(keepAlive);
        }
    }

    /// <inheritdoc />
    public void Dispose() => session.Dispose();

    private T RunChecked<T>(Func<T> run)
    {
        try
        {
            return run();
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException($"ONNX Runtime failed running '{Path}': {e.Message}", e);
        }
    }

    private void RunChecked(Action run) => RunChecked(() =>
    {
        run();
        return 0;
    });

    private static Dictionary<string, OnnxTensorInfo> Describe(IReadOnlyDictionary<string, NodeMetadata> metadata)
    {
        var result = new Dictionary<string, OnnxTensorInfo>(StringComparer.Ordinal);
        foreach (var (name, node) in metadata)
        {
            if (!node.IsTensor)
            {
                continue;
            }

            var symbolic = node.SymbolicDimensions ?? [];
            var dims = node.Dimensions.Select((d, i) => d > 0 && (symbolic.Length <= i || string.IsNullOrEmpty(symbolic[i])) ? (long?)d : null).ToArray();
            result[name] = new OnnxTensorInfo(name, node.ElementDataType, dims, symbolic);
        }

        return result;
    }
}
