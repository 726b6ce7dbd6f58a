using Diffusion.Plugins.Mnist;
using static TorchSharp.torch;

namespace Diffusion.Plugins.Tests.Mnist;

public sealed class MnistClassifierTests
{
    [Theory]
    [InlineData(28)]
    [InlineData(32)]
    public void Logits_and_features_have_the_declared_shapes(int side)
    {
        using var model = new MnistClassifier();
        model.eval();
        using var _ = no_grad();
        var x = rand(3, 1, side, side) * 2 - 1;

        model.forward(x).shape.Should().Equal(3, 10);
        model.Features(x).shape.Should().Equal(3, MnistClassifier.FeatureDim);
    }

    [Fact]
    public void A_wrong_image_shape_is_a_clear_error()
    {
        using var model = new MnistClassifier();

        var act = () => model.forward(zeros(2, 3, 28, 28));

        act.Should().Throw<ArgumentException>().WithMessage("*[2, 3, 28, 28]*");
    }

    [Fact]
    public void The_shipped_classifier_loads_and_has_its_accuracy_in_metadata()
    {
        var path = RepoFile("pipelines/models/mnist-classifier.safetensors");
        using var model = MnistClassifierTraining.Load(path);

        var accuracy = double.Parse(Diffusion.Torch.SafeTensors.ReadHeader(path).Metadata["test_accuracy"], System.Globalization.CultureInfo.InvariantCulture);

        accuracy.Should().BeGreaterThanOrEqualTo(0.99);
    }

    internal static string RepoFile(string relative)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Infrastructure.Fixtures.Repository })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory} or {Infrastructure.Fixtures.Repository}.");
    }
}
