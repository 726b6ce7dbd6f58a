using Diffusion.Plugins.ClassConditioning;

namespace Diffusion.Plugins.Tests.ClassConditioning;

public sealed class LabelsConditionerTests
{
    [Fact]
    public void The_digit_grid_repeats_0_to_9_in_every_row()
    {
        var labels = ClassLabels.Expand(new LabelsOptions { Grid = "all_digits_grid", Rows = 3 });

        labels.Should().HaveCount(30);
        labels.Take(12).Should().Equal(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1);
    }

    [Fact]
    public void Count_cycles_through_the_classes_and_the_null_label_defaults_to_classes()
    {
        var options = new LabelsOptions { Count = 5, Classes = 3 };

        ClassLabels.Expand(options).Should().Equal(0, 1, 2, 0, 1);
        ClassLabels.NullLabel(options).Should().Be(3);
    }

    [Fact]
    public void Explicit_labels_out_of_range_or_several_sources_are_errors()
    {
        var outOfRange = () => ClassLabels.Expand(new LabelsOptions { Labels = [1, 12] });
        var both = () => ClassLabels.Expand(new LabelsOptions { Labels = [1], Count = 4 });

        outOfRange.Should().Throw<ArgumentException>().WithMessage("*12*0..9*");
        both.Should().Throw<ArgumentException>().WithMessage("*exactly one*");
    }
}
