using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Diffusion.Contracts;
using Diffusion.Core.Plugins;
using Diffusion.Core.Tests.TestNodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Diffusion.Core.Tests.Reliability;

/// <summary>
/// Random and mutated pipelines and plugin manifests: reading, validating and loading never throw, and every problem
/// carries a code, a message and a pointer (or names the file). Iterations are bounded to keep the suite fast.
/// </summary>
public sealed class PipelineFuzzTests : IDisposable
{
    private const string ValidPipeline = """
        {
          "version": 1,
          "nodes": {
            "x": { "type": "test.const", "params": { "value": 1 } },
            "y": { "type": "test.int", "params": { "value": 2 } },
            "add": { "type": "test.add", "inputs": { "a": "x", "b": "y.value" } },
            "sum": { "type": "test.sum", "inputs": { "values": ["add.sum", "x"] } },
            "cfg": { "type": "test.configured", "params": { "name": "n", "steps": 3, "sizes": [1, 2], "mode": "slow" } },
            "w": { "type": "test.write_file", "inputs": { "value": "sum" }, "params": { "path": "out/sum.txt" } },
            "r": { "type": "test.read_file", "params": { "path": "models/three.txt" } }
          }
        }
        """;

    private static readonly string[] Types = ["test.const", "test.int", "test.add", "test.sum", "test.pass", "test.configured", "test.write_file", "test.read_file", "test.read_folder", "nope", ""];
    private static readonly string[] Keys = ["value", "path", "name", "steps", "sizes", "mode", "folder", "scale", "in", "a", "b", "values", "x", "\u001b[2J", "a/b~c", ""];

    private readonly HostileFolder folder = new();
    private readonly TestNodeSet nodes = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Mutated_pipelines_never_throw_and_every_issue_has_a_pointer()
    {
        var edit = Gen.Select(Gen.Int[0, ValidPipeline.Length - 1], Gen.Int[0, 3], Gen.Char['\0', '\u00ff'], Gen.Int[1, 5]);
        edit.ArrayOf()[1, 6].Sample(edits =>
        {
            var text = new StringBuilder(ValidPipeline);
            foreach (var (at, kind, c, length) in edits)
            {
                var i = Math.Min(at, text.Length);
                switch (kind)
                {
                    case 0: text.Insert(i, c); break;
                    case 1: text.Remove(i, Math.Min(length, text.Length - i)); break;
                    case 2 when i < text.Length: text[i] = c; break;
                    default: text.Insert(i, ValidPipeline.AsSpan(Math.Min(at, ValidPipeline.Length - length), length)); break;
                }
            }

            CheckText(text.ToString());
        }, iter: 400, threads: 1);
    }

    [Fact]
    public void Random_pipelines_never_throw_and_every_issue_has_a_pointer()
    {
        var scalar = Gen.OneOf<JsonNode?>(
            Gen.Const((JsonNode?)null),
            Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
            Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l)),
            Gen.Double.Select(d => (JsonNode?)(double.IsFinite(d) ? JsonValue.Create(d) : JsonValue.Create(0.5))),
            Gen.OneOf(Keys).Select(s => (JsonNode?)JsonValue.Create(s)),
            Gen.OneOf("../secret/secret.txt", "/etc/passwd", "fifo.txt", "models", "link.txt", ".", "a/../../b").Select(s => (JsonNode?)JsonValue.Create(s)));
        var value = Gen.OneOf(scalar, scalar.ArrayOf()[0, 3].Select(items => (JsonNode?)new JsonArray([.. items])));
        var parameters = Gen.Select(Gen.OneOf(Keys), value).ArrayOf()[0, 4];
        var link = Gen.Select(Gen.Int[0, 6], Gen.OneOf("", ".value", ".sum", ".nope", "."));
        var inputs = Gen.Select(Gen.OneOf(Keys), link.ArrayOf()[0, 3], Gen.Bool).ArrayOf()[0, 3];
        var node = Gen.Select(Gen.OneOf(Types), parameters, inputs);
        node.ArrayOf()[0, 7].Sample(spec =>
        {
            var nodesObject = new JsonObject();
            for (var i = 0; i < spec.Length; i++)
            {
                var (type, ps, ins) = spec[i];
                var p = new JsonObject();
                foreach (var (key, v) in ps)
                {
                    p[key] = v?.DeepClone();
                }

                var inObject = new JsonObject();
                foreach (var (key, links, asList) in ins)
                {
                    var names = links.Select(l => $"n{l.Item1}{l.Item2}").ToArray();
                    inObject[key] = asList ? new JsonArray([.. names.Select(n => (JsonNode?)n)]) : names.FirstOrDefault() ?? "";
                }

                nodesObject[$"n{i}"] = new JsonObject { ["type"] = type, ["params"] = p, ["inputs"] = inObject };
            }

            CheckText(new JsonObject { ["version"] = 1, ["nodes"] = nodesObject }.ToJsonString());
        }, iter: 400, threads: 1);
    }

    [Fact]
    public void Random_plugin_manifests_are_refused_with_a_reason_never_an_exception()
    {
        var field = Gen.OneOf<string>(
            Gen.Const("\"x\""), Gen.Const("1"), Gen.Const("null"), Gen.Const("[]"), Gen.Const("{}"), Gen.Const("\"1.0\""),
            Gen.Const("\"../../etc/passwd\""), Gen.Const("\"/abs.dll\""), Gen.Const("\"\\u001b[31mred\""), Gen.Const("\"a.dll\""));
        var manifest = Gen.Select(field, field, field, field, Gen.Int[0, 3]);
        var index = 0;
        manifest.Sample((id, version, contracts, assembly, shape) =>
        {
            var plugin = Directory.CreateDirectory(Path.Combine(folder.Root, "plugins", $"p{index++}")).FullName;
            var text = shape switch
            {
                0 => $"{{ \"id\": {id}, \"version\": {version}, \"contracts\": {contracts}, \"assembly\": {assembly} }}",
                1 => $"[{id}]",
                2 => $"{{ \"id\": {id}, \"id\": {version} ",
                _ => id,
            };
            File.WriteAllText(Path.Combine(plugin, PluginManifest.FileName), text);
            var report = new PluginCatalogLoader().Load([plugin], new ServiceCollection(), new NodeTypeRegistry(), NullLogger.Instance);

            report.Loaded.Should().BeEmpty();
            var failure = report.Failed.Should().ContainSingle().Subject;
            failure.Message.Should().NotBeNullOrWhiteSpace();
            failure.Folder.Should().Be(plugin);
        }, iter: 150, threads: 1);
    }

    private void CheckText(string text)
    {
        var read = PipelineReader.Read(text, folder.PipelineFile);
        var issues = read.Issues.ToList();
        if (read.Pipeline is not null)
        {
            issues.AddRange(new PipelineValidator(nodes.Registry).Validate(read.Pipeline, read.Positions).Issues);
        }

        foreach (var issue in issues)
        {
            issue.Code.Should().NotBeNullOrEmpty();
            issue.Message.Should().NotBeNullOrWhiteSpace();
            (issue.Pointer.Length == 0 || issue.Pointer.StartsWith('/')).Should().BeTrue($"\"{issue.Pointer}\" is a JSON pointer");
            if (issue.Pointer.Length == 0)
            {
                issue.Code.Should().BeOneOf(ValidationCodes.JsonSyntax, ValidationCodes.InvalidDocument, ValidationCodes.BadOverride);
            }

            issue.Message.Should().NotContainAny("System.Int32", "Object reference", "same key has already been added", "could not be converted");
        }

        // Shape problems aside, the validator either accepts the pipeline or says why.
        JsonSerializer.Serialize(issues).Should().NotBeNull();
    }
}
