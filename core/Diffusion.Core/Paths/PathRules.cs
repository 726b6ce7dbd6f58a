using System.Text.Json;
using System.Text.Json.Nodes;
using Diffusion.Contracts;

namespace Diffusion.Core;

/// <summary>
/// Checks every path param of a pipeline (params whose <see cref="ParamDescriptor.Path"/> is set): inputs resolve
/// inside an input root and exist with the declared kind; outputs are relative, stay inside the output folder and no
/// two nodes claim the same one. With the run's output folder known (just before a run) it also resolves links on the
/// way and refuses targets that exist (unless the run overwrites) or are not regular files.
/// </summary>
internal sealed class PathRules(IReadOnlyList<InputRoot> inputRoots, string? outputRoot = null, bool overwrite = false)
{
    private readonly OutputClaims claims = new();

    /// <summary>Checks one node; <paramref name="written"/> are its params as written, <paramref name="effective"/> with defaults.</summary>
    public void Check(string nodeId, NodeTypeDescriptor descriptor, JsonObject written, JsonObject effective, string baseDirectory, List<ValidationIssue> issues)
    {
        foreach (var param in descriptor.Params.Where(p => p.Path != PathKind.None && p.Kind == ParamKind.String))
        {
            var pointer = JsonPointer.Param(nodeId, param.Name);

            // A default of "" means "none" (e.g. a fresh model); written out, "" is a mistake, not a request for nothing.
            var value = written.ContainsKey(param.Name) ? written[param.Name] : effective[param.Name];
            if (value is not JsonValue json || json.GetValueKind() != JsonValueKind.String)
            {
                continue;
            }

            var text = json.GetValue<string>();
            if (text.Length == 0 && !written.ContainsKey(param.Name))
            {
                continue;
            }

            void Report(PathProblem problem) => issues.Add(new ValidationIssue(
                problem.Code,
                $"Param \"{param.Name}\" of node \"{nodeId}\" ({descriptor.Name}) = \"{text}\" {problem.Message}.",
                pointer,
                nodeId,
                param.Name,
                json.ToJsonString()));

            if (param.Path is PathKind.OutputFile or PathKind.OutputFolder)
            {
                CheckOutput(nodeId, param, text, Report);
            }
            else
            {
                var resolved = PathContainment.ResolveInput(text, baseDirectory, inputRoots, out var problem);
                problem ??= PathContainment.CheckInputKind(resolved!, param.Path);
                if (problem is not null)
                {
                    Report(problem);
                }
            }
        }
    }

    private void CheckOutput(string nodeId, ParamDescriptor param, string text, Action<PathProblem> report)
    {
        var key = PathContainment.NormalizeOutput(text, param.Path, out var problem);
        if (key is null)
        {
            report(problem!);
            return;
        }

        if (claims.TryClaim(new OutputClaim(key, param.Path, nodeId, param.Name, text)) is { } earlier)
        {
            var same = earlier.Node == nodeId ? $"its param \"{earlier.Param}\"" : $"node \"{earlier.Node}\" (param \"{earlier.Param}\" = \"{earlier.Written}\")";
            report(new PathProblem(ValidationCodes.OutputConflict, $"collides with {same}: two outputs would write the same file or folder and one would be lost; give each its own path"));
            return;
        }

        if (outputRoot is null)
        {
            return;
        }

        var resolved = PathContainment.ResolveOutput(text, param.Path, outputRoot, out problem);
        problem ??= PathContainment.CheckOutputTarget(resolved!, param.Path, overwrite);
        if (problem is not null)
        {
            report(problem);
        }
    }
}
