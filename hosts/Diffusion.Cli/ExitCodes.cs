namespace Diffusion.Cli;

/// <summary>The process exit codes of <c>diffuse</c>, documented in the README.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int RunFailed = 1;
    public const int InvalidInput = 2;
    public const int Cancelled = 130;
}
