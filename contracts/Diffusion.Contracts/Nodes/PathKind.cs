namespace Diffusion.Contracts;

/// <summary>
/// Whether a string param names a file or folder, and which way data flows through it. The engine uses it to keep every
/// path a pipeline names inside a declared root: inputs under the pipeline's folder or a configured input root,
/// outputs under the run's output folder (see <see cref="INodeExecutionContext.ResolveInputPath"/> and
/// <see cref="INodeExecutionContext.ResolveOutputPath"/>). Validation checks such params before anything runs.
/// </summary>
public enum PathKind
{
    /// <summary>Not a path.</summary>
    None,

    /// <summary>A file the node reads; it must exist, be a regular file and lie inside an input root.</summary>
    InputFile,

    /// <summary>A folder the node reads files from; it must exist and lie inside an input root.</summary>
    InputFolder,

    /// <summary>A file or a folder the node reads (e.g. a single checkpoint or a diffusers model folder).</summary>
    InputFileOrFolder,

    /// <summary>A file the node writes, relative to the run's output folder; no other node may write it.</summary>
    OutputFile,

    /// <summary>A folder the node writes files into, relative to the run's output folder; no other node may write there.</summary>
    OutputFolder,
}
