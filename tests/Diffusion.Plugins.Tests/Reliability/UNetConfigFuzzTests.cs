using System.Text.Json.Nodes;
using CsCheck;
using Diffusion.Nn;

namespace Diffusion.Plugins.Tests.Reliability;

/// <summary>
/// UNet configs from files: random values in every field fail only with <see cref="InvalidDataException"/> naming the
/// source, and configs whose blocks do not fit together are refused before libtorch meets them mid-forward.
/// </summary>
public sealed class UNetConfigFuzzTests
{
    private static readonly string[] Fields =
    [
        "sample_size", "in_channels", "out_channels", "block_out_channels", "layers_per_block", "down_block_types", "up_block_types",
        "attention_head_dim", "norm_num_groups", "attn_norm_num_groups", "num_class_embeds", "mid_block_type", "_class_name", "act_fn",
    ];

    [Theory]
    [InlineData("""{ "sample_size": 30, "block_out_channels": [8, 16, 16], "norm_num_groups": 4, "attention_head_dim": 4 }""", "sample_size")]
    [InlineData("""{ "sample_size": 28, "block_out_channels": [8, 16, 16], "norm_num_groups": 3, "attention_head_dim": 4 }""", "norm_num_groups")]
    [InlineData("""{ "sample_size": 28, "block_out_channels": [8, 16, 16], "norm_num_groups": 4, "attention_head_dim": 32 }""", "attention_head_dim")]
    [InlineData("""{ "sample_size": [28, 32], "block_out_channels": [8, 16, 16], "norm_num_groups": 4 }""", "sample_size")]
    [InlineData("""{ "block_out_channels": null }""", "block_out_channels")]
    [InlineData("""{ "_class_name": 5 }""", "_class_name")]
    public void Configs_whose_blocks_do_not_fit_are_refused_naming_the_field(string json, string field)
    {
        var config = JsonNode.Parse(json)!.AsObject();
        config["down_block_types"] ??= config["block_out_channels"] is JsonArray { Count: 3 } ? new JsonArray("DownBlock2D", "DownBlock2D", "AttnDownBlock2D") : null;
        config["up_block_types"] ??= config["block_out_channels"] is JsonArray { Count: 3 } ? new JsonArray("AttnUpBlock2D", "UpBlock2D", "UpBlock2D") : null;
        foreach (var key in config.Where(kv => kv.Value is null && kv.Key != "block_out_channels").Select(kv => kv.Key).ToList())
        {
            config.Remove(key);
        }

        var parse = () => UNet2DConfig.Parse(config.ToJsonString(), "test.json");

        parse.Should().Throw<InvalidDataException>().Which.Message.Should().Contain("test.json").And.Contain(field);
    }

    [Fact]
    public void Random_field_values_fail_only_with_invalid_data()
    {
        var value = Gen.OneOf<string>(
            Gen.Int[-3, 70].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Gen.Const("null"), Gen.Const("\"x\""), Gen.Const("1e12"), Gen.Const("[]"), Gen.Const("[8, 16]"), Gen.Const("[null]"),
            Gen.Const("[\"DownBlock2D\", \"AttnDownBlock2D\"]"), Gen.Const("{}"), Gen.Const("true"), Gen.Const("2.5"));
        Gen.Select(Gen.OneOf(Fields), value).ArrayOf()[0, 6].Sample(pairs =>
        {
            var json = "{" + string.Join(",", pairs.DistinctBy(p => p.Item1).Select(p => $"\"{p.Item1}\": {p.Item2}")) + "}";
            try
            {
                UNet2DConfig.Parse(json, "random.json");
            }
            catch (InvalidDataException e)
            {
                e.Message.Should().Contain("random.json");
            }
        }, iter: 500, threads: 1);
    }
}
