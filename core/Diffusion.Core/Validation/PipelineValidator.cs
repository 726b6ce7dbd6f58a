using Diffusion.Contracts;

namespace Diffusion.Core;

/// <summary>
/// Checks a pipeline against the registered node types before anything runs and reports every problem at once:
/// unknown types, unknown/missing/duplicate inputs, links to missing nodes or outputs, port type mismatches, cycles
/// (naming the nodes in each), params that break the schema or the node type's own rules, and path params that leave
/// their roots, name missing inputs or collide with another node's output (<see cref="InputRootPolicy"/>).
/// </summary>
/// <param name="registry">The node types.</param>
/// <param name="inputRoots">Where inputs may be read from; null: <see cref="InputRootPolicy.Default"/>.</param>
/// <param name="budget">The most one run may ask for; null is <see cref="RunBudget.Default"/>.</param>
public sealed class PipelineValidator(NodeTypeRegistry registry, InputRootPolicy? inputRoots = null, RunBudget? budget = null)
{
    private readonly RunBudget budget = budget ?? RunBudget.Default;

    /// <summary>The input roots this validator checks against.</summary>
    public InputRootPolicy InputRoots { get; } = inputRoots ?? InputRootPolicy.Default;

    /// <summary>Validates; positions, when given, add line and column to each issue.</summary>
    public ValidationResult Validate(PipelineDefinition pipeline, JsonPositionIndex? positions = null) => Validate(pipeline, positions, InputRoots);

    /// <summary>Validates against other input roots (a run's own, see <see cref="RunOptions.InputRoots"/>).</summary>
    public ValidationResult Validate(PipelineDefinition pipeline, JsonPositionIndex? positions, InputRootPolicy roots)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(roots);
        var issues = new List<ValidationIssue>();
        var byId = new Dictionary<string, NodeDefinition>(StringComparer.Ordinal);
        var validated = new Dictionary<string, ValidatedNode>(StringComparer.Ordinal);
        var traits = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlySet<string>>>(StringComparer.Ordinal);
        var estimates = new List<(string NodeId, string Type, ResourceEstimate Estimate)>();
        if (pipeline.Nodes.Count == 0)
        {
            issues.Add(new ValidationIssue(ValidationCodes.InvalidDocument, "The pipeline has no nodes; add at least one under \"nodes\".", "/nodes"));
        }

        foreach (var node in pipeline.Nodes)
        {
            // The reader keeps the first of duplicate ids; a pipeline built in code may still repeat one.
            if (!byId.TryAdd(node.Id, node))
            {
                issues.Add(new ValidationIssue(ValidationCodes.DuplicateKey, $"Node id \"{node.Id}\" is used by more than one node; ids must be unique.", JsonPointer.Node(node.Id), node.Id));
            }
        }

        var baseDirectory = pipeline.BaseDirectory;
        var pathRules = new PathRules(roots.RootsFor(baseDirectory));
        var hints = new SuggestionBudget();
        foreach (var node in pipeline.Nodes)
        {
            if (ValidateNode(node, byId, baseDirectory, pathRules, hints, traits, estimates, issues) is { } ok)
            {
                validated[node.Id] = ok;
            }
        }

        if (issues.Count == 0)
        {
            issues.AddRange(BudgetCheck.Check(estimates, budget));
        }

        var order = TopologicalOrder(pipeline, issues);
        if (positions is not null)
        {
            issues = [.. issues.Select(i => PipelineReader.Locate(i, positions))];
        }

        if (issues.Count > 0 || order is null)
        {
            return new ValidationResult(issues, null);
        }

        return new ValidationResult(issues, new ValidatedPipeline(pipeline, [.. order.Select(id => validated[id])]));
    }

    // "Did you mean" for a link compares the name with every node id. In a 100,000-node pipeline with thousands of bad
    // links that is quadratic (it took minutes), so the comparisons of one validation are capped; the first hints are
    // the ones people read.
    private const long SuggestionComparisons = 2_000_000;

    /// <summary>The name comparisons one validation may still spend on hints.</summary>
    private sealed class SuggestionBudget
    {
        private long left = SuggestionComparisons;

        public bool Spend(int comparisons) => (left -= comparisons) >= 0;
    }

    private ValidatedNode? ValidateNode(
        NodeDefinition node,
        Dictionary<string, NodeDefinition> byId,
        string baseDirectory,
        PathRules pathRules,
        SuggestionBudget hints,
        Dictionary<string, IReadOnlyDictionary<string, IReadOnlySet<string>>> traits,
        List<(string NodeId, string Type, ResourceEstimate Estimate)> estimates,
        List<ValidationIssue> issues)
    {
        if (string.IsNullOrWhiteSpace(node.Type))
        {
            // The reader reports this too (same issue, so callers merging both can de-duplicate); it must also be an
            // issue here, or a pipeline built in code (or run despite reader issues) would pass without this node.
            issues.Add(new ValidationIssue(ValidationCodes.InvalidDocument, $"Node \"{node.Id}\" needs \"type\": the name of a node type (see `diffuse nodes`).", JsonPointer.NodeField(node.Id, "type"), node.Id));
            return null;
        }

        if (!registry.TryGet(node.Type, out var registered))
        {
            issues.Add(new ValidationIssue(
                ValidationCodes.UnknownNodeType,
                $"Node \"{node.Id}\" has unknown type \"{node.Type}\".{Suggestions.DidYouMean(node.Type, registry.Names)} Run `diffuse nodes` to list the types the loaded plugins provide, or load the plugin that has it.",
                JsonPointer.NodeField(node.Id, "type"),
                node.Id,
                Received: node.Type));
            return null;
        }

        var before = issues.Count;
        var descriptor = registered.Descriptor;
        var resolved = ResolveInputs(node, descriptor, byId, hints, issues);
        issues.AddRange(ParamRules.Check(node.Id, descriptor, node.Params));
        ParamItemRules.Check(node, descriptor, issues);
        var parameters = OptionsSchema.WithDefaults(descriptor.Params, node.Params);
        if (issues.Count == before)
        {
            ParamRules.NormalizeIntegers(parameters, descriptor);
            var links = resolved.ToDictionary(
                r => r.Key,
                r => (IReadOnlyList<LinkedOutput>)[.. r.Value.Select(l => Linked(l, byId, baseDirectory, traits))],
                StringComparer.Ordinal);
            var context = new NodeValidationContext(node.Id, parameters, baseDirectory) { Links = links };
            RunNodeTypeValidation(node, registered, context, issues);
            pathRules.Check(node.Id, descriptor, node.Params, parameters, baseDirectory, issues);
            if (issues.Count == before && Estimate(registered, context) is { } estimate)
            {
                estimates.Add((node.Id, node.Type, estimate));
            }
        }

        return issues.Count == before ? new ValidatedNode(node, registered, parameters, resolved) : null;
    }

    /// <summary>
    /// What a link brings, with the traits its source declares from its own params (computed once per source node; a
    /// source whose params break its schema declares none, and its own issues say why).
    /// </summary>
    private LinkedOutput Linked(
        ResolvedLink link,
        Dictionary<string, NodeDefinition> byId,
        string baseDirectory,
        Dictionary<string, IReadOnlyDictionary<string, IReadOnlySet<string>>> traits)
    {
        var source = byId[link.Node];
        var sourceType = registry.TryGet(source.Type, out var registered) ? registered : null;
        if (!traits.TryGetValue(link.Node, out var declared))
        {
            declared = new Dictionary<string, IReadOnlySet<string>>();
            if (sourceType is not null && ParamRules.Check(source.Id, sourceType.Descriptor, source.Params).Count == 0)
            {
                var parameters = OptionsSchema.WithDefaults(sourceType.Descriptor.Params, source.Params);
                ParamRules.NormalizeIntegers(parameters, sourceType.Descriptor);
                try
                {
                    declared = sourceType.NodeType.OutputTraits(new NodeValidationContext(source.Id, parameters, baseDirectory));
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Traits are an aid to validation; a node type that cannot compute them leaves the check to the run.
                }
            }

            traits[link.Node] = declared;
        }

        return new LinkedOutput(link.Node, source.Type, link.Output, declared.TryGetValue(link.Output, out var set) ? set : new HashSet<string>());
    }

    private static ResourceEstimate? Estimate(RegisteredNodeType registered, NodeValidationContext context)
    {
        try
        {
            return registered.NodeType.Estimate(context);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An estimate is advice; a node type that cannot give one is checked by its own limits when it runs.
            return null;
        }
    }

    private static void RunNodeTypeValidation(NodeDefinition node, RegisteredNodeType registered, NodeValidationContext context, List<ValidationIssue> issues)
    {
        try
        {
            // Materialised here so that an exception thrown while enumerating is caught below too.
            var found = registered.NodeType.Validate(context).ToList();
            issues.AddRange(found.Select(i => BindingMessages.Rewrite(i, node, registered.Descriptor)));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            issues.Add(new ValidationIssue(ValidationCodes.ParamValue, BindingMessages.NodeValidationFailed(node, registered, ex), JsonPointer.NodeField(node.Id, "params"), node.Id));
        }
    }

    private IReadOnlyDictionary<string, IReadOnlyList<ResolvedLink>> ResolveInputs(
        NodeDefinition node,
        NodeTypeDescriptor descriptor,
        Dictionary<string, NodeDefinition> byId,
        SuggestionBudget hints,
        List<ValidationIssue> issues)
    {
        var ports = descriptor.Inputs.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var resolved = new Dictionary<string, IReadOnlyList<ResolvedLink>>(StringComparer.Ordinal);
        foreach (var (name, input) in node.Inputs)
        {
            var pointer = JsonPointer.Input(node.Id, name);
            if (!ports.TryGetValue(name, out var port))
            {
                var accepted = ports.Count == 0 ? "it takes no inputs" : $"it takes: {string.Join(", ", ports.Keys)}";
                issues.Add(new ValidationIssue(ValidationCodes.UnknownInput, $"Node \"{node.Id}\" ({descriptor.Name}) has no input \"{name}\";{Suggestions.DidYouMean(name, ports.Keys)} {accepted}.", pointer, node.Id, name));
                continue;
            }

            if (input.IsList && !port.Variadic)
            {
                issues.Add(new ValidationIssue(ValidationCodes.InvalidDocument, $"Input \"{name}\" of node \"{node.Id}\" takes one link, not a list.", pointer, node.Id, name));
                continue;
            }

            var links = new List<ResolvedLink>();
            for (var i = 0; i < input.Links.Count; i++)
            {
                var linkPointer = input.IsList ? $"{pointer}/{i}" : pointer;
                if (ResolveLink(node, name, port, input.Links[i], linkPointer, byId, hints, issues) is { } link)
                {
                    links.Add(link);
                }
            }

            resolved[name] = links;
        }

        foreach (var port in descriptor.Inputs.Where(p => !p.Optional && !node.Inputs.ContainsKey(p.Name)))
        {
            issues.Add(new ValidationIssue(ValidationCodes.MissingInput, $"Node \"{node.Id}\" ({descriptor.Name}) needs input \"{port.Name}\" ({port.Type}): link it to a node that outputs {port.Type}.", JsonPointer.NodeField(node.Id, "inputs"), node.Id, port.Name));
        }

        return resolved;
    }

    private ResolvedLink? ResolveLink(
        NodeDefinition node,
        string inputName,
        PortDescriptor port,
        LinkReference link,
        string pointer,
        Dictionary<string, NodeDefinition> byId,
        SuggestionBudget hints,
        List<ValidationIssue> issues)
    {
        if (!byId.TryGetValue(link.Node, out var source))
        {
            issues.Add(new ValidationIssue(ValidationCodes.UnknownNode, $"Input \"{inputName}\" of node \"{node.Id}\" links to node \"{link.Node}\", which does not exist.{Suggestions.DidYouMean(link.Node, byId.Keys, hints.Spend(byId.Count))}", pointer, node.Id, inputName, link.ToString()));
            return null;
        }

        if (!registry.TryGet(source.Type, out var sourceType))
        {
            return null; // the unknown type is reported on the source node
        }

        var outputs = sourceType.Descriptor.Outputs;
        if (outputs.Count == 0)
        {
            issues.Add(new ValidationIssue(ValidationCodes.UnknownOutput, $"Input \"{inputName}\" of node \"{node.Id}\" links to node \"{link.Node}\" ({source.Type}), which has no outputs.", pointer, node.Id, inputName, link.ToString()));
            return null;
        }

        var output = link.Output is null ? outputs[0] : outputs.FirstOrDefault(o => string.Equals(o.Name, link.Output, StringComparison.Ordinal));
        if (output is null)
        {
            issues.Add(new ValidationIssue(ValidationCodes.UnknownOutput, $"Node \"{link.Node}\" ({source.Type}) has no output \"{link.Output}\";{Suggestions.DidYouMean(link.Output!, outputs.Select(o => o.Name))} its outputs: {string.Join(", ", outputs.Select(o => $"{o.Name} ({o.Type})"))}.", pointer, node.Id, inputName, link.ToString()));
            return null;
        }

        if (!output.Type.IsAssignableTo(port.Type))
        {
            issues.Add(new ValidationIssue(ValidationCodes.PortTypeMismatch, $"Input \"{inputName}\" of node \"{node.Id}\" takes {port.Type}, but \"{link}\" is {output.Type}. Link an output of type {port.Type}.", pointer, node.Id, inputName, link.ToString()));
            return null;
        }

        return new ResolvedLink(link.Node, output.Name);
    }

    /// <summary>Kahn's order over the links as written; reports each cycle (strongly connected component) by its nodes.</summary>
    private static List<string>? TopologicalOrder(PipelineDefinition pipeline, List<ValidationIssue> issues)
    {
        var ids = new List<string>();
        var edges = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var node in pipeline.Nodes)
        {
            if (!edges.ContainsKey(node.Id))
            {
                ids.Add(node.Id);
                edges[node.Id] = [];
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in pipeline.Nodes)
        {
            if (!seen.Add(node.Id))
            {
                continue; // a duplicate id, reported already
            }

            edges[node.Id].AddRange(node.Inputs.Values.SelectMany(i => i.Links).Select(l => l.Node).Where(edges.ContainsKey).Distinct(StringComparer.Ordinal));
        }

        var cycles = StronglyConnected(ids, edges)
            .Where(c => c.Count > 1 || edges[c[0]].Contains(c[0]))
            .ToList();
        foreach (var cycle in cycles)
        {
            const int shown = 20;
            var path = string.Join(" -> ", cycle.Take(shown).Append(cycle[0]).Select(c => $"\"{c}\""));
            var more = cycle.Count > shown ? $" (and {cycle.Count - shown} more nodes)" : "";
            issues.Add(new ValidationIssue(ValidationCodes.Cycle, $"Nodes {path}{more} form a cycle: a node cannot depend on its own output. Break one of these links.", JsonPointer.Node(cycle[0]), cycle[0], Received: string.Join(",", cycle.Take(shown))));
        }

        if (cycles.Count > 0)
        {
            return null;
        }

        var remaining = edges.ToDictionary(e => e.Key, e => e.Value.Count, StringComparer.Ordinal);
        var dependents = ids.ToDictionary(id => id, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (id, deps) in edges)
        {
            foreach (var dep in deps)
            {
                dependents[dep].Add(id);
            }
        }

        var ready = new Queue<string>(ids.Where(id => remaining[id] == 0));
        var order = new List<string>();
        while (ready.TryDequeue(out var id))
        {
            order.Add(id);
            foreach (var next in dependents[id])
            {
                if (--remaining[next] == 0)
                {
                    ready.Enqueue(next);
                }
            }
        }

        return order;
    }

    /// <summary>
    /// Tarjan's strongly connected components with an explicit stack: a chain of 100,000 nodes would overflow the call
    /// stack of a recursive version.
    /// </summary>
    private static List<List<string>> StronglyConnected(List<string> nodes, Dictionary<string, List<string>> edges)
    {
        var index = 0;
        var indices = new Dictionary<string, int>(StringComparer.Ordinal);
        var lowLinks = new Dictionary<string, int>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var result = new List<List<string>>();
        var work = new Stack<(string Node, int NextEdge)>();

        foreach (var start in nodes)
        {
            if (indices.ContainsKey(start))
            {
                continue;
            }

            work.Push((start, 0));
            indices[start] = lowLinks[start] = index++;
            stack.Push(start);
            onStack.Add(start);
            while (work.Count > 0)
            {
                var (v, next) = work.Pop();
                var successors = edges[v];
                if (next < successors.Count)
                {
                    work.Push((v, next + 1));
                    var w = successors[next];
                    if (!indices.ContainsKey(w))
                    {
                        indices[w] = lowLinks[w] = index++;
                        stack.Push(w);
                        onStack.Add(w);
                        work.Push((w, 0));
                    }
                    else if (onStack.Contains(w))
                    {
                        lowLinks[v] = Math.Min(lowLinks[v], indices[w]);
                    }

                    continue;
                }

                // v is finished: close its component if it is a root, then pass its low link to its caller.
                if (lowLinks[v] == indices[v])
                {
                    var component = new List<string>();
                    string w;
                    do
                    {
                        w = stack.Pop();
                        onStack.Remove(w);
                        component.Add(w);
                    }
                    while (w != v);
                    component.Reverse();
                    result.Add(component);
                }

                if (work.Count > 0)
                {
                    var caller = work.Peek().Node;
                    lowLinks[caller] = Math.Min(lowLinks[caller], lowLinks[v]);
                }
            }
        }

        return result;
    }
}
