using Diffusion.Contracts;

namespace Diffusion.Plugins.Ldm;

/// <summary>diffusers' <c>prediction_type</c> names.</summary>
internal static class PredictionNames
{
    public static PredictionType Parse(string name, string where) => name switch
    {
        "epsilon" => PredictionType.Epsilon,
        "v_prediction" => PredictionType.VPrediction,
        "sample" => PredictionType.Sample,
        _ => throw new InvalidDataException($"{where}: prediction type '{name}' is not one of epsilon, v_prediction, sample."),
    };
}
