namespace Diffusion.Nn;

/// <summary>The input width of the i-th ResNet layer of a decoder stage, as diffusers wires skip connections.</summary>
internal static class UpBlockChannels
{
    /// <summary>
    /// Layer i sees the hidden state (the previous stage's output for i = 0, else this stage's output) concatenated
    /// with one skip: the last layer's skip comes from the encoder stage one level up (<paramref name="inChannels"/>),
    /// the others from this level (<paramref name="outChannels"/>).
    /// </summary>
    public static int ResnetIn(int i, int numLayers, int inChannels, int outChannels, int prevOutputChannels)
    {
        int skipChannels = i == numLayers - 1 ? inChannels : outChannels;
        int hiddenChannels = i == 0 ? prevOutputChannels : outChannels;
        return hiddenChannels + skipChannels;
    }
}
