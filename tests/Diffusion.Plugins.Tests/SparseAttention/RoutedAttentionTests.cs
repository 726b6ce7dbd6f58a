using System.Text.Json.Nodes;
using Diffusion.Contracts;
using Diffusion.Nn;
using Diffusion.Plugins.SparseAttention;
using Diffusion.Plugins.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.SparseAttention;

/// <summary>attention.route picks a backend per layer by name glob and token count, first match wins, else dense.</summary>
public sealed class RoutedAttentionTests
{
    private static readonly NeighborhoodAttention Neighborhood = new(3);
    private static readonly LongformerAttention Longformer = new(4, 1);

    private static RoutedAttention Router() => new(
        [
            new RouteRule { Layer = "mid_block.*", Backend = 0 },
            new RouteRule { Layer = "*", MinTokens = 100, MaxTokens = 1000, Backend = 1 },
            new RouteRule { Layer = "up_blocks.?.attentions.1", Backend = 0 },
        ],
        [Neighborhood, Longformer]);

    private static AttentionRequest Request(string? layer, int side) => new()
    {
        Query = randn(1, 2, side * side, 8),
        Key = randn(1, 2, side * side, 8),
        Value = randn(1, 2, side * side, 8),
        SpatialHeight = side,
        SpatialWidth = side,
        LayerName = layer,
    };

    [Theory]
    [InlineData("mid_block.attentions.0", 7, "neighborhood", 0)]
    [InlineData("down_blocks.2.attentions.0", 7, "dense", -1)]
    [InlineData("down_blocks.2.attentions.0", 12, "longformer", 1)]
    [InlineData("mid_block.attentions.0", 12, "neighborhood", 0)]
    [InlineData("up_blocks.0.attentions.1", 7, "neighborhood", 2)]
    [InlineData("up_blocks.0.attentions.2", 7, "dense", -1)]
    [InlineData("up_blocks.10.attentions.1", 7, "dense", -1)]
    [InlineData(null, 12, "longformer", 1)]
    [InlineData(null, 40, "dense", -1)]
    public void Picks_the_first_rule_that_matches_the_layer_and_length(string? layer, int side, string expected, int rule)
    {
        var (backend, chosenRule) = Router().Choose(Request(layer, side));

        backend.Name.Should().Be(expected);
        chosenRule.Should().Be(rule);
    }

    [Fact]
    public void Computes_with_the_chosen_backend()
    {
        var request = Request("mid_block.attentions.0", 6);

        var routed = Router().Compute(request);

        (routed - Neighborhood.Compute(request)).abs().max().item<float>().Should().Be(0);
        (routed - DenseAttention.Instance.Compute(request)).abs().max().item<float>().Should().BeGreaterThan(1e-3f, "3 x 3 windows differ from dense attention");
    }

    [Fact]
    public void Declines_with_both_reasons_when_the_chosen_backend_declines_and_computes_dense_then()
    {
        var router = Router();
        var request = Request("mid_block.attentions.0", 5) with { SpatialHeight = null, SpatialWidth = null };

        router.Supports(request, out var reason).Should().BeFalse();
        reason.Should().Be("rule 0 chose neighborhood, which declines: it needs the 2-D layout of the tokens and the layer gives none");
        (router.Compute(request) - DenseAttention.Instance.Compute(request)).abs().max().item<float>().Should().Be(0);
    }

    [Fact]
    public void A_rule_naming_a_missing_backend_is_refused_with_the_count()
    {
        FluentActions.Invoking(() => new RoutedAttention([new RouteRule { Backend = 2 }], [Neighborhood]))
            .Should().Throw<ArgumentException>().WithMessage("route rule 0 names backend 2, but 1 backend(s) are linked (indices 0..0).");
    }

    [Fact]
    public async Task The_node_binds_rules_from_params_and_takes_backends_in_link_order()
    {
        var parameters = JsonNode.Parse("""{ "rules": [ { "layer": "mid_block.*", "backend": 1 }, { "min_tokens": 64, "backend": 0 } ] }""")!.AsObject();
        using var context = new TestNodeContext("route", parameters).WithInput("backends", new IAttentionBackend[] { Longformer, Neighborhood });

        var router = (RoutedAttention)(await new AttentionRouteNode().ExecuteAsync(context)).Values["backend"];

        router.Choose(Request("mid_block.attentions.0", 4)).Backend.Should().BeSameAs(Neighborhood);
        router.Choose(Request("down_blocks.1.attentions.0", 8)).Backend.Should().BeSameAs(Longformer);
        router.Choose(Request("down_blocks.1.attentions.0", 7)).Backend.Should().BeSameAs(DenseAttention.Instance);
    }

    [Fact]
    public void The_node_reports_bad_rules_at_validation()
    {
        var parameters = JsonNode.Parse("""{ "rules": [ { "backend": -1 }, { "min_tokens": 500, "max_tokens": 100, "backend": 0 }, { "layer": "", "backend": 0 } ] }""")!.AsObject();
        var links = new Dictionary<string, IReadOnlyList<LinkedOutput>>
        {
            ["backends"] = [new LinkedOutput("local", "attention.longformer", "backend", new HashSet<string>())],
        };
        var issues = new AttentionRouteNode().Validate(new NodeValidationContext("route", parameters, ".") { Links = links }).ToList();

        issues.Select(i => i.Message).Should().Equal(
            "rule 0: backend -1 is negative; give the 0-based index of a linked backend.",
            "rule 1: max_tokens 100 is below min_tokens 500, so it never matches.",
            "rule 2: layer is empty; use \"*\" for every layer.");
        issues.Should().OnlyContain(i => i.Pointer == "/nodes/route/params/rules" && i.Code == ValidationCodes.ParamValue);
    }
}
