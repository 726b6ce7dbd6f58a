using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Torch.Files;

namespace Diffusion.Core;

/// <summary>
/// Reads pipeline JSON into a <see cref="PipelineDefinition"/>, collecting every shape problem (syntax with line and
/// column, duplicate keys, wrong field kinds) instead of stopping at the first. Comments and trailing commas are
/// accepted because people edit these files by hand.
/// </summary>
public static class PipelineReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>
    /// The largest pipeline file read (64 MiB): a 100,000-node pipeline is about 10 MB, and reading must never be an
    /// unbounded allocation (<c>validate /dev/zero</c>).
    /// </summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads a pipeline file: a regular file of at most <see cref="MaxFileBytes"/> in UTF-8. A missing file, a folder,
    /// a device or FIFO (never opened), an oversized or non-UTF-8 file is an issue, not an exception.
    /// </summary>
    public static PipelineReadResult ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            var bytes = SafeFile.ReadAllBytes(path, MaxFileBytes, "Pipeline file");
            var start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
            text = StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (FileNotFoundException)
        {
            return Unreadable($"Pipeline file '{path}' does not exist. Check the path (relative paths start from {Directory.GetCurrentDirectory()}).");
        }
        catch (FileRefusedException e)
        {
            return Unreadable(e.Message);
        }
        catch (DecoderFallbackException)
        {
            return Unreadable($"Pipeline file '{path}' is not UTF-8 text; save it as UTF-8 JSON.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unreadable($"Pipeline file '{path}' cannot be read: {e.Message}");
        }

        return Read(text, Path.GetFullPath(path));
    }

    private static PipelineReadResult Unreadable(string message) =>
        new(null, [new ValidationIssue(ValidationCodes.InvalidDocument, message, "")], JsonPositionIndex.Build(""));

    /// <summary>Reads pipeline JSON text.</summary>
    /// <param name="json">The text.</param>
    /// <param name="sourcePath">The file it came from, for relative paths; null for in-memory text.</param>
    public static PipelineReadResult Read(string json, string? sourcePath = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        var utf8 = Encoding.UTF8.GetBytes(json);
        var positions = JsonPositionIndex.Build(utf8);
        var issues = new List<ValidationIssue>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            var column = JsonPositionIndex.CharacterColumn(utf8, JsonPositionIndex.LineStart(utf8, line - 1), JsonPositionIndex.LineStart(utf8, line - 1) + (ex.BytePositionInLine ?? 0));
            issues.Add(new ValidationIssue(ValidationCodes.JsonSyntax, $"Invalid JSON at line {line}, column {column}: {FirstSentence(ex.Message)}", "") { Line = line, Column = column });
            return new PipelineReadResult(null, issues, positions);
        }

        using (document)
        {
            var pipeline = ReadRoot(document.RootElement, sourcePath, issues, positions);
            var located = issues.Select(i => Locate(i, positions)).ToList();
            return new PipelineReadResult(pipeline, located, positions);
        }
    }

    /// <summary>Adds line and column from <paramref name="positions"/> to an issue that has none.</summary>
    public static ValidationIssue Locate(ValidationIssue issue, JsonPositionIndex positions)
    {
        ArgumentNullException.ThrowIfNull(issue);
        ArgumentNullException.ThrowIfNull(positions);
        if (issue.Line is not null || positions.Find(issue.Pointer) is not { } position)
        {
            return issue;
        }

        return issue with { Line = position.Line, Column = position.Column };
    }

    private static PipelineDefinition? ReadRoot(JsonElement root, string? sourcePath, List<ValidationIssue> issues, JsonPositionIndex positions)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            issues.Add(new ValidationIssue(ValidationCodes.InvalidDocument, $"A pipeline is a JSON object with \"version\": 1 and \"nodes\"; found a {Describe(root.ValueKind)}.", ""));
            return null;
        }

        ReportDuplicates(root, "", issues, positions);
        var version = 1;
        if (root.TryGetProperty("version", out var versionElement))
        {
            if (versionElement.ValueKind != JsonValueKind.Number || !versionElement.TryGetInt32(out version) || version != 1)
            {
                issues.Add(new ValidationIssue(ValidationCodes.InvalidDocument, $"\"version\" must be 1 (the only pipeline format version); found {versionElement.GetRawText()}.", "/version", Received: versionElement.GetRawText()));
                version = 1;
            }
        }

        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is not ("version" or "nodes" or "$schema" or "description"))
            {
                issues.Add(new ValidationIssue(ValidationCodes.InvalidDocument, $"Unknown top-level field \"{property.Name}\"; a pipeline has \"version\", \"nodes\", and optionally \"$schema\" and \"description\".", JsonPointer.Of(property.Name)));
            }
        }

        if (!root.TryGetProperty("nodes", out var nodesElement) || nodesElement.ValueKind != JsonValueKind.Object)
        {
            issues.Add(new ValidationIssue(ValidationCodes.InvalidDocument, "\"nodes\" must be an object mapping node ids to { \"type\", \"inputs\", \"params\" }.", "/nodes"));
            return null;
        }

        ReportDuplicates(nodesElement, "/nodes", issues, positions);
        var nodes = new List<NodeDefinition>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in nodesElement.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                continue;
            }

            if (property.Name.Length == 0 || property.Name.Contains('.', StringComparison.Ordinal))
            {
                issues.Add(new ValidationIssue(ValidationCodes.InvalidDocument, $"Node id \"{property.Name}\" is not allowed: ids are non-empty and contain no '.', which separates node and output in links.", JsonPointer.Node(property.Name), property.Name));
                continue;
            }

            // Ids are echoed in every message, log line and progress bar; a control character or an ANSI escape in one
            // would let a pipeline rewrite the user's terminal.
            if (property.Name.Any(char.IsControl))
            {
                issues.Add(new ValidationIssue(ValidationCodes.InvalidDocument, "A node id contains control characters (such as escape sequences or line breaks); use letters, digits, '_' and '-'.", JsonPointer.Node(property.Name), property.Name));
                continue;
            }

            if (ReadNode(property.Name, property.Value, issues, positions) is { } node)
            {
                nodes.Add(node);
            }
        }

        return new PipelineDefinition(version, nodes, sourcePath);
    }

    private static NodeDefinition? ReadNode(string id, JsonElement element, List<ValidationIssue> issues, JsonPositionIndex positions)
    {
        var pointer = JsonPointer.Node(id);
        if (element.ValueKind != JsonValueKind.Object)
        {
            issues.Add(new ValidationIssue(ValidationCodes.InvalidDocument, $"Node \"{id}\" must be an object with \"type\", \"inputs\" and \"params\"; found a {Describe(element.ValueKind)}.", pointer, id));
            return null;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.Name is not ("type" or "inputs" or "params" or "description"))
            {
                issues.Add(new ValidationIssue(ValidationCodes.InvalidDocument, $"Unknown field \"{property.Name}\" in node \"{id}\"; a node has \"type\", \"inputs\", \"params\" and optionally \"description\".", JsonPointer.NodeField(id, property.Name), id));
            }
        }

        string type = "";
        if (!element.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(typeElement.GetString()))
        {
            issues.Add(new ValidationIssue(ValidationCodes.InvalidDocument, $"Node \"{id}\" needs \"type\": the name of a node type (see `diffuse nodes`).", JsonPointer.NodeField(id, "type"), id));
        }
        else
        {
            type = typeElement.GetString()!;
        }

        var inputs = new Dictionary<string, NodeInput>(StringComparer.Ordinal);
        if (element.TryGetProperty("inputs", out var inputsElement))
        {
            ReadInputs(id, inputsElement, inputs, issues, positions);
        }

        var parameters = new JsonObject();
        if (element.TryGetProperty("params", out var paramsElement))
        {
            if (paramsElement.ValueKind != JsonValueKind.Object)
            {
                issues.Add(new ValidationIssue(ValidationCodes.InvalidDocument, $"\"params\" of node \"{id}\" must be an object.", JsonPointer.NodeField(id, "params"), id));
            }
            else
            {
                ReportDuplicates(paramsElement, JsonPointer.NodeField(id, "params"), issues, positions, id);
                foreach (var param in paramsElement.EnumerateObject())
                {
                    // The first of duplicated params is kept, as for node ids and inputs. Duplicates nested inside a
                    // value must be found here: JsonNode parses lazily and would throw much later, in the validator.
                    if (parameters.ContainsKey(param.Name) || HasNestedDuplicates(id, param.Name, param.Value, JsonPointer.Param(id, param.Name), issues, positions))
                    {
                        continue;
                    }

                    try
                    {
                        parameters[param.Name] = JsonNode.Parse(param.Value.GetRawText(), documentOptions: DocumentOptions);
                    }
                    catch (Exception ex) when (ex is ArgumentException or JsonException)
                    {
                        // Nested duplicate keys make JsonObject refuse the value.
                        issues.Add(new ValidationIssue(ValidationCodes.DuplicateKey, $"Param \"{param.Name}\" of node \"{id}\" cannot be read: {ex.Message} Make its keys unique.", JsonPointer.Param(id, param.Name), id, param.Name));
                    }
                }
            }
        }

        return new NodeDefinition(id, type, inputs, parameters);
    }

    private static void ReadInputs(string id, JsonElement element, Dictionary<string, NodeInput> inputs, List<ValidationIssue> issues, JsonPositionIndex positions)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            issues.Add(new ValidationIssue(ValidationCodes.InvalidDocument, $"\"inputs\" of node \"{id}\" must be an object mapping input names to links (\"node\" or \"node.output\").", JsonPointer.NodeField(id, "inputs"), id));
            return;
        }

        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var input in element.EnumerateObject())
        {
            var pointer = JsonPointer.Input(id, input.Name);
            var occurrence = occurrences[input.Name] = occurrences.GetValueOrDefault(input.Name, -1) + 1;
            if (inputs.ContainsKey(input.Name) || occurrence > 0)
            {
                issues.Add(AtOccurrence(new ValidationIssue(ValidationCodes.DuplicateInput, $"Input \"{input.Name}\" of node \"{id}\" is given more than once; keep one (use a list for an input that takes several links).", pointer, id, input.Name), positions, occurrence));
                continue;
            }

            switch (input.Value.ValueKind)
            {
                case JsonValueKind.String:
                    inputs[input.Name] = new NodeInput([LinkReference.Parse(input.Value.GetString()!)], IsList: false);
                    break;
                case JsonValueKind.Array:
                    var links = new List<LinkReference>();
                    var index = 0;
                    foreach (var item in input.Value.EnumerateArray())
                    {
                        if (item.ValueKind == JsonValueKind.String)
                        {
                            links.Add(LinkReference.Parse(item.GetString()!));
                        }
                        else
                        {
                            issues.Add(new ValidationIssue(ValidationCodes.InvalidDocument, $"Links are strings \"node\" or \"node.output\"; found {item.GetRawText()}.", $"{pointer}/{index}", id, input.Name, item.GetRawText()));
                        }

                        index++;
                    }

                    inputs[input.Name] = new NodeInput(links, IsList: true);
                    break;
                default:
                    issues.Add(new ValidationIssue(ValidationCodes.InvalidDocument, $"Input \"{input.Name}\" of node \"{id}\" must be a link string \"node\" or \"node.output\" (or a list of them); found {input.Value.GetRawText()}.", pointer, id, input.Name, input.Value.GetRawText()));

                    // Present but unreadable: keep the port so it is not also reported as missing.
                    inputs[input.Name] = new NodeInput([], IsList: false);
                    break;
            }
        }
    }

    private static bool ReportDuplicates(JsonElement element, string pointer, List<ValidationIssue> issues, JsonPositionIndex positions, string? node = null)
    {
        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        var found = false;
        foreach (var property in element.EnumerateObject())
        {
            var occurrence = occurrences[property.Name] = occurrences.GetValueOrDefault(property.Name, -1) + 1;
            if (occurrence > 0)
            {
                found = true;
                var issue = new ValidationIssue(ValidationCodes.DuplicateKey, $"Key \"{property.Name}\" appears more than once in {(pointer.Length == 0 ? "the document" : pointer)}; JSON keys must be unique, keep one.", $"{pointer}/{JsonPointer.Escape(property.Name)}", node, property.Name);
                issues.Add(AtOccurrence(issue, positions, occurrence));
            }
        }

        return found;
    }

    /// <summary>Reports duplicate keys at any depth inside a param value; true when there were any.</summary>
    private static bool HasNestedDuplicates(string node, string param, JsonElement value, string pointer, List<ValidationIssue> issues, JsonPositionIndex positions)
    {
        var found = false;
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var before = issues.Count;
                found = ReportDuplicates(value, pointer, issues, positions, node);
                for (var i = before; i < issues.Count; i++)
                {
                    issues[i] = issues[i] with { Input = param };
                }

                foreach (var property in value.EnumerateObject())
                {
                    found |= HasNestedDuplicates(node, param, property.Value, $"{pointer}/{JsonPointer.Escape(property.Name)}", issues, positions);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    found |= HasNestedDuplicates(node, param, item, $"{pointer}/{index++}", issues, positions);
                }

                break;
        }

        return found;
    }

    /// <summary>Places an issue on the <paramref name="occurrence"/>-th copy of a duplicated key, not on the first.</summary>
    private static ValidationIssue AtOccurrence(ValidationIssue issue, JsonPositionIndex positions, int occurrence) =>
        positions.FindOccurrence(issue.Pointer, occurrence) is { } position ? issue with { Line = position.Line, Column = position.Column } : issue;

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "list",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends its own position ("Path: $ | LineNumber: 6 | BytePositionInLine: 0."); ours is 1-based
        // and counts characters, so theirs is dropped.
        foreach (var marker in new[] { " Path:", " LineNumber:" })
        {
            var cut = message.IndexOf(marker, StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }
        }

        return message;
    }
}
