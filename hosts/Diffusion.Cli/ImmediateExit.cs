using System.Runtime.InteropServices;

namespace Diffusion.Cli;

/// <summary>
/// Ends the process at once, for a cancel whose grace period ran out while a node is still inside libtorch.
/// <see cref="Environment.Exit"/> runs the C library's exit handlers, and libtorch's static destructors then tear down
/// its thread pools under the running node: with the grace period forced to 1 ms, 1 exit in 3 was a SIGSEGV (139) instead
/// of 130, and a CI run hung past 30 s. <c>_exit</c> skips those handlers; nothing is lost, because outputs are written
/// to a temporary file and renamed, and the console is flushed first.
/// </summary>
internal static class ImmediateExit
{
    public static void Now(int exitCode)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        if (OperatingSystem.IsWindows())
        {
            Environment.Exit(exitCode);
        }

        ExitWithoutHandlers(exitCode);
    }

    // DllImport rather than LibraryImport: the generated stub would need unsafe code for a call that marshals one int.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void ExitWithoutHandlers(int status);
#pragma warning restore SYSLIB1054
}
