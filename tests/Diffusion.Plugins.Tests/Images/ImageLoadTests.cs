using Diffusion.Contracts;
using Diffusion.Plugins.Images;
using Diffusion.Plugins.Tests.Infrastructure;

namespace Diffusion.Plugins.Tests.Images;

/// <summary><c>image.load</c> on the shipped 32 x 32 PNG.</summary>
public sealed class ImageLoadTests
{
    private static readonly string Png = Path.GetFullPath(Path.Combine(Fixtures.Repository, "..", "..", "..", "pipelines", "images", "sunset-32.png"));

    [Fact]
    public void A_png_becomes_one_image_in_minus_one_to_one()
    {
        using var image = ImageLoadNode.Load(Png, new ImageLoadOptions());

        image.shape.Should().Equal(1, 3, 32, 32);
        // The top-left pixel is (70, 90, 140): v = byte / 127.5 - 1.
        image[0, 0, 0, 0].item<float>().Should().BeApproximately((70 / 127.5f) - 1, 1e-6f);
        image[0, 2, 0, 0].item<float>().Should().BeApproximately((140 / 127.5f) - 1, 1e-6f);
    }

    [Fact]
    public void Resizing_and_grey_give_the_asked_shape()
    {
        using var grey = ImageLoadNode.Load(Png, new ImageLoadOptions { Width = 16, Height = 8, Channels = 1 });

        grey.shape.Should().Equal(1, 1, 8, 16);
        grey.max().item<float>().Should().BeLessThanOrEqualTo(1f);
        grey.min().item<float>().Should().BeGreaterThanOrEqualTo(-1f);
    }

    [Fact]
    public void A_file_that_is_not_an_image_says_so()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "not an image");
        try
        {
            var act = () => ImageLoadNode.Load(path, new ImageLoadOptions());
            act.Should().Throw<InvalidInputException>().WithMessage("*not an image*give an image file*");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
