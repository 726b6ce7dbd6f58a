using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Nn;

/// <summary>CLIP's input embeddings: token_embedding(ids) + position_embedding(0..n−1) (transformers' <c>CLIPTextEmbeddings</c>).</summary>
public sealed class ClipEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly Embedding token_embedding;
    private readonly Embedding position_embedding;

    /// <summary>Creates the tables.</summary>
    public ClipEmbeddings(int vocabSize, int maxPositions, int dim)
        : base(nameof(ClipEmbeddings))
    {
        token_embedding = nn.Embedding(vocabSize, dim);
        position_embedding = nn.Embedding(maxPositions, dim);
        RegisterComponents();
    }

    /// <summary>Token ids [b, n] int64 to embeddings [b, n, d].</summary>
    public override Tensor forward(Tensor inputIds)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        using var scope = NewDisposeScope();
        var positions = arange(inputIds.shape[1], ScalarType.Int64, inputIds.device).unsqueeze(0);
        var embedded = token_embedding.forward(inputIds) + position_embedding.forward(positions);
        return embedded.MoveToOuterDisposeScope();
    }
}
