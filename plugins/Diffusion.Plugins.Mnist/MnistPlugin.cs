using Diffusion.Contracts;

namespace Diffusion.Plugins.Mnist;

/// <summary>Registers dataset.mnist, train.mnist_classifier and eval.mnist.</summary>
public sealed class MnistPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new MnistDatasetNode());
        registrar.AddNodeType(new TrainMnistClassifierNode());
        registrar.AddNodeType(new EvalMnistNode());
        registrar.AddNodeType(new MnistCaptionsDatasetNode());
        registrar.AddNodeType(new EvalMnistPromptsNode());
    }
}
