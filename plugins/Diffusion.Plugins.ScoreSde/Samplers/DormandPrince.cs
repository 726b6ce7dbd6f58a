using TorchSharp;

namespace Diffusion.Plugins.ScoreSde;

/// <summary>
/// Dormand–Prince 5(4) (Dormand &amp; Prince 1980; Hairer, Nørsett &amp; Wanner, Solving ODEs I, Sec. II.5, Table 5.2):
/// a 7-stage embedded Runge–Kutta pair with the first-same-as-last property, the 5th-order solution propagated, the
/// 4th-order one used only for the error estimate. Step control (Sec. II.4): err = RMS((y₅ − y₄)/(atol + rtol·max(|y|,
/// |y₅|))), accept when err ≤ 1, h ← h · clamp(safety · err^(−1/5), min_factor, max_factor) (no growth after a reject).
/// The first step follows Hairer's starting-step algorithm (Sec. II.4, "Starting step size").
/// </summary>
internal static class DormandPrince
{
    private const double C2 = 1.0 / 5, C3 = 3.0 / 10, C4 = 4.0 / 5, C5 = 8.0 / 9;
    private const double A21 = 1.0 / 5;
    private const double A31 = 3.0 / 40, A32 = 9.0 / 40;
    private const double A41 = 44.0 / 45, A42 = -56.0 / 15, A43 = 32.0 / 9;
    private const double A51 = 19372.0 / 6561, A52 = -25360.0 / 2187, A53 = 64448.0 / 6561, A54 = -212.0 / 729;
    private const double A61 = 9017.0 / 3168, A62 = -355.0 / 33, A63 = 46732.0 / 5247, A64 = 49.0 / 176, A65 = -5103.0 / 18656;
    private const double B1 = 35.0 / 384, B3 = 500.0 / 1113, B4 = 125.0 / 192, B5 = -2187.0 / 6784, B6 = 11.0 / 84;

    // E = b(5th order) − b̂(4th order): 5179/57600, 0, 7571/16695, 393/640, −92097/339200, 187/2100, 1/40.
    private const double E1 = B1 - (5179.0 / 57600), E3 = B3 - (7571.0 / 16695), E4 = B4 - (393.0 / 640), E5 = B5 - (-92097.0 / 339200), E6 = B6 - (187.0 / 2100), E7 = -1.0 / 40;

    /// <summary>Step-size controller settings.</summary>
    public sealed record Settings(double Rtol, double Atol, double HInit, double Safety, double MinFactor, double MaxFactor, int MaxEvaluations);

    /// <summary>The outcome: y(t₁), denoiser evaluations, accepted and rejected steps.</summary>
    public readonly record struct Outcome(torch.Tensor Y, int Evaluations, int Accepted, int Rejected);

    /// <summary>
    /// Integrates dy/dt = <paramref name="f"/>(y, t) from <paramref name="t0"/> to <paramref name="t1"/> (either direction).
    /// <paramref name="y0"/> is not disposed; <paramref name="onAccept"/> sees (accepted index, t, y) after each accepted step.
    /// </summary>
    public static Outcome Integrate(
        Func<torch.Tensor, double, torch.Tensor> f,
        torch.Tensor y0,
        double t0,
        double t1,
        Settings settings,
        Action<int, double, torch.Tensor>? onAccept,
        CancellationToken cancellationToken)
    {
        double direction = Math.Sign(t1 - t0);
        double span = Math.Abs(t1 - t0);
        var y = y0.alias();
        torch.Tensor k1;
        double h;
        int evaluations;
        using (var scope = torch.NewDisposeScope())
        {
            k1 = f(y, t0).MoveToOuterDisposeScope();
            evaluations = 1;
            if (settings.HInit > 0)
            {
                h = Math.Min(settings.HInit, span);
            }
            else
            {
                h = StartingStep(f, y, k1, t0, direction, span, settings);
                evaluations++;
            }
        }

        double t = t0;
        int accepted = 0, rejected = 0;
        bool lastRejected = false;
        while (direction * (t1 - t) > 1e-12 * span)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (evaluations + 6 > settings.MaxEvaluations)
            {
                throw new InvalidOperationException(
                    $"dopri5 needed more than max_evaluations={settings.MaxEvaluations} denoiser evaluations (reached t={t:G6} of {t1:G6}, step {h:G3}); raise max_evaluations or loosen rtol/atol.");
            }

            double step = direction * Math.Min(h, Math.Abs(t1 - t));
            bool accept;
            using (var scope = torch.NewDisposeScope())
            {
                var k2 = f(y + step * A21 * k1, t + (C2 * step));
                var k3 = f(y + step * ((A31 * k1) + (A32 * k2)), t + (C3 * step));
                var k4 = f(y + step * ((A41 * k1) + (A42 * k2) + (A43 * k3)), t + (C4 * step));
                var k5 = f(y + step * ((A51 * k1) + (A52 * k2) + (A53 * k3) + (A54 * k4)), t + (C5 * step));
                var k6 = f(y + step * ((A61 * k1) + (A62 * k2) + (A63 * k3) + (A64 * k4) + (A65 * k5)), t + step);
                var y5 = y + step * ((B1 * k1) + (B3 * k3) + (B4 * k4) + (B5 * k5) + (B6 * k6));
                var k7 = f(y5, t + step);
                evaluations += 6;
                var error = step * ((E1 * k1) + (E3 * k3) + (E4 * k4) + (E5 * k5) + (E6 * k6) + (E7 * k7));
                var tolerance = settings.Atol + settings.Rtol * torch.maximum(y.abs(), y5.abs());
                double err = (error / tolerance).square().mean().sqrt().to_type(torch.ScalarType.Float64).item<double>();
                if (double.IsNaN(err))
                {
                    throw new InvalidOperationException($"dopri5: the ODE produced NaN at t={t:G6}; check the denoiser and scheduler.");
                }

                double factor = err == 0 ? settings.MaxFactor : Math.Clamp(settings.Safety * Math.Pow(err, -0.2), settings.MinFactor, settings.MaxFactor);
                accept = err <= 1;
                if (accept)
                {
                    t += step;
                    SdeScore.Replace(ref y, y5);
                    SdeScore.Replace(ref k1, k7);
                    if (lastRejected)
                    {
                        factor = Math.Min(factor, 1.0);
                    }

                    lastRejected = false;
                }
                else
                {
                    rejected++;
                    lastRejected = true;
                    factor = Math.Min(factor, 1.0);
                }

                h = Math.Abs(step) * factor;
            }

            if (accept)
            {
                // Outside the step's scope, so copies the callback keeps are not disposed with it.
                onAccept?.Invoke(accepted, t, y);
                accepted++;
            }
        }

        k1.Dispose();
        return new Outcome(y, evaluations, accepted, rejected);
    }

    /// <summary>Hairer's starting step: h₀ = 0.01 ‖y₀‖/‖f₀‖, refined with one Euler step to h = (0.01 / max(‖f₀‖, ‖f'‖))^(1/5).</summary>
    private static double StartingStep(Func<torch.Tensor, double, torch.Tensor> f, torch.Tensor y0, torch.Tensor f0, double t0, double direction, double span, Settings settings)
    {
        var scale = settings.Atol + settings.Rtol * y0.abs();
        double d0 = Rms(y0 / scale);
        double d1 = Rms(f0 / scale);
        double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
        h0 = Math.Min(h0, span);
        var f1 = f(y0 + direction * h0 * f0, t0 + (direction * h0));
        double d2 = Rms((f1 - f0) / scale) / h0;
        double dMax = Math.Max(d1, d2);
        double h1 = dMax <= 1e-15 ? Math.Max(1e-6, h0 * 1e-3) : Math.Pow(0.01 / dMax, 0.2);
        return Math.Min(Math.Min(100 * h0, h1), span);
    }

    private static double Rms(torch.Tensor v) => v.square().mean().sqrt().to_type(torch.ScalarType.Float64).item<double>();
}
