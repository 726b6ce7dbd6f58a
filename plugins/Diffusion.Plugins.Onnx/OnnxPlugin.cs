using Diffusion.Contracts;

namespace Diffusion.Plugins.Onnx;

/// <summary>
/// The ONNX Runtime backend: <c>denoiser.onnx_unet</c>, <c>encoder.onnx_vae</c>, <c>conditioner.onnx_clip</c> and
/// <c>model.onnx</c> over Stable Diffusion ONNX folders. ONNX Runtime itself is shared with the host.
/// </summary>
public sealed class OnnxPlugin : IDiffusionPlugin
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddNodeType(new OnnxUNetDenoiserNode());
        registrar.AddNodeType(new OnnxVaeEncoderNode());
        registrar.AddNodeType(new OnnxClipConditionerNode());
        registrar.AddNodeType(new OnnxModelNode());
    }
}
