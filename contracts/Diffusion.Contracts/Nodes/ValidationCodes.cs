namespace Diffusion.Contracts;

/// <summary>Stable codes of <see cref="ValidationIssue"/>s. Never renamed; new ones may be added.</summary>
public static class ValidationCodes
{
    /// <summary>The file is not valid JSON.</summary>
    public const string JsonSyntax = "json_syntax";

    /// <summary>The document does not have the pipeline shape (missing <c>nodes</c>, wrong version, bad field types).</summary>
    public const string InvalidDocument = "invalid_document";

    /// <summary>A node's <c>type</c> is not registered by any loaded plugin.</summary>
    public const string UnknownNodeType = "unknown_node_type";

    /// <summary>An input name the node type does not declare.</summary>
    public const string UnknownInput = "unknown_input";

    /// <summary>A required input is not linked.</summary>
    public const string MissingInput = "missing_input";

    /// <summary>The same input is given twice (JSON duplicate key).</summary>
    public const string DuplicateInput = "duplicate_input";

    /// <summary>A key appears twice in one JSON object (node ids, params).</summary>
    public const string DuplicateKey = "duplicate_key";

    /// <summary>A link names a node that does not exist.</summary>
    public const string UnknownNode = "unknown_node";

    /// <summary>A link names an output the source node type does not have.</summary>
    public const string UnknownOutput = "unknown_output";

    /// <summary>A link's source output type cannot be assigned to the input's type.</summary>
    public const string PortTypeMismatch = "port_type_mismatch";

    /// <summary>
    /// Two linked components cannot work together (a sampler that needs an ᾱ table on a continuous SDE), judged from the
    /// traits their nodes declare.
    /// </summary>
    public const string IncompatibleLink = "incompatible_link";

    /// <summary>Links form a cycle.</summary>
    public const string Cycle = "cycle";

    /// <summary>A param that the node type does not declare.</summary>
    public const string UnknownParam = "unknown_param";

    /// <summary>A required param is absent.</summary>
    public const string MissingParam = "missing_param";

    /// <summary>A param of the wrong JSON kind.</summary>
    public const string ParamType = "param_type";

    /// <summary>A param outside its range or choices, or rejected by the node type's own validation.</summary>
    public const string ParamValue = "param_value";

    /// <summary>The run would allocate more tensor elements or make more network calls than the host allows (its budget).</summary>
    public const string OverBudget = "over_budget";

    /// <summary>A <c>--set</c> override that names no node or a bad path.</summary>
    public const string BadOverride = "bad_override";

    /// <summary>A path param that leaves its root: absolute, climbing out with <c>..</c>, or through a symbolic link.</summary>
    public const string PathOutsideRoot = "path_outside_root";

    /// <summary>An input path that is missing, of the wrong kind (a folder for a file, a device, a FIFO) or unreadable.</summary>
    public const string InputFile = "input_file";

    /// <summary>Two nodes write the same output, or an output would replace an existing file or something not a file.</summary>
    public const string OutputConflict = "output_conflict";
}
