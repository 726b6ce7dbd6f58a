namespace Diffusion.Plugins.Samplers.Adaptive;

/// <summary>
/// A PID step-size controller on inverse errors (Söderlind 2003, "Digital filters in adaptive time-stepping"; as in
/// k-diffusion's <c>PIDStepSizeController</c>): factor = limiter(ε₀^{b1} ε₁^{b2} ε₂^{b3}) with ε = 1/(err + δ),
/// b1 = (p + i + d)/k, b2 = −(p + 2d)/k, b3 = d/k, limiter(x) = 1 + atan(x − 1). With the defaults p = 0, i = 1, d = 0 it
/// is the classic integral controller h ← h · err^(−1/k). Per-run state: create one per sampling run.
/// </summary>
internal sealed class PidStepSizeController
{
    private const double Delta = 1e-8;
    private readonly double b1, b2, b3, acceptSafety;
    private readonly double[] inverseErrors = new double[3];
    private bool started;

    public PidStepSizeController(double h, double pcoeff, double icoeff, double dcoeff, double order, double acceptSafety)
    {
        H = h;
        b1 = (pcoeff + icoeff + dcoeff) / order;
        b2 = -(pcoeff + (2 * dcoeff)) / order;
        b3 = dcoeff / order;
        this.acceptSafety = acceptSafety;
    }

    /// <summary>The next step size to try.</summary>
    public double H { get; private set; }

    /// <summary>Updates <see cref="H"/> from the scaled error of the last attempt; returns whether to accept it.</summary>
    public bool Propose(double error)
    {
        double inverse = 1 / (error + Delta);
        if (!started)
        {
            Array.Fill(inverseErrors, inverse);
            started = true;
        }

        inverseErrors[0] = inverse;
        double factor = Math.Pow(inverseErrors[0], b1) * Math.Pow(inverseErrors[1], b2) * Math.Pow(inverseErrors[2], b3);
        factor = 1 + Math.Atan(factor - 1);
        bool accept = factor >= acceptSafety;
        if (accept)
        {
            inverseErrors[2] = inverseErrors[1];
            inverseErrors[1] = inverseErrors[0];
        }

        H *= factor;
        return accept;
    }
}
