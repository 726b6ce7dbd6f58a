namespace Diffusion.Plugins.Mnist;

/// <summary>Which MNIST files to read.</summary>
public enum MnistSplit
{
    /// <summary>60,000 training images (train-*-idx*-ubyte).</summary>
    Train,

    /// <summary>10,000 test images (t10k-*-idx*-ubyte).</summary>
    Test,
}
