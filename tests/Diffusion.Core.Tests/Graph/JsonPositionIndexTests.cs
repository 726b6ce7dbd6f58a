namespace Diffusion.Core.Tests.Graph;

public sealed class JsonPositionIndexTests
{
    private const string Text = "{\n  \"nodes\": {\n    \"a/b\": { \"type\": \"t\", \"inputs\": { \"x\": [\"p\", \"q\"] } },\n    \"c~\": 1\n  }\n}";

    [Theory]
    [InlineData("/nodes", 2, 3)]
    [InlineData("/nodes/a~1b", 3, 5)]
    [InlineData("/nodes/a~1b/type", 3, 14)]
    [InlineData("/nodes/a~1b/inputs/x/0", 3, 45)]
    [InlineData("/nodes/a~1b/inputs/x/1", 3, 50)]
    [InlineData("/nodes/c~0", 4, 5)]
    public void Finds_the_line_and_column_of_keys_and_array_items(string pointer, long line, long column)
    {
        var index = JsonPositionIndex.Build(Text);

        index.Find(pointer).Should().Be((line, column));
    }

    [Fact]
    public void Falls_back_to_the_nearest_indexed_parent()
    {
        var index = JsonPositionIndex.Build(Text);

        index.Find("/nodes/a~1b/params/steps").Should().Be((3L, 5L));
        index.Find("/missing").Should().BeNull();
        index.Find("").Should().BeNull();
    }

    [Fact]
    public void Invalid_text_gives_positions_up_to_the_error_and_no_exception()
    {
        var index = JsonPositionIndex.Build("{\n  \"nodes\": {\n    \"a\": [1,,\n");

        index.Find("/nodes/a").Should().Be((3L, 5L));
    }

    [Fact]
    public void Columns_count_characters_not_bytes()
    {
        // "é" is two bytes in UTF-8 but one column in an editor.
        var index = JsonPositionIndex.Build("{ \"é\": 1, \"x\": 2 }");

        index.Find("/x").Should().Be((1L, 11L));
    }
}
