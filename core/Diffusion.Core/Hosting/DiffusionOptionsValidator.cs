using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Diffusion.Core;

/// <summary>Checks <see cref="DiffusionOptions"/> when the host starts (<c>ValidateOnStart</c>), naming each bad setting.</summary>
public sealed partial class DiffusionOptionsValidator : IValidateOptions<DiffusionOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DiffusionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxParallelism < 1)
        {
            failures.Add($"Diffusion:MaxParallelism is {options.MaxParallelism}; give 1 or more (1 runs nodes one at a time).");
        }

        if (options.CacheBudgetBytes < 0)
        {
            failures.Add($"Diffusion:CacheBudgetBytes is {options.CacheBudgetBytes}; give 0 (no cache) or a positive number of bytes.");
        }

        if (options.MaxRunElements < 1 || options.MaxRunNetworkCalls < 1)
        {
            failures.Add($"Diffusion:MaxRunElements ({options.MaxRunElements}) and Diffusion:MaxRunNetworkCalls ({options.MaxRunNetworkCalls}) must be positive.");
        }

        if (options.Threads is < 1)
        {
            failures.Add($"Diffusion:Threads is {options.Threads}; give 1 or more, or leave it unset for libtorch's default.");
        }

        if (!DeviceSpec().IsMatch(options.Device ?? ""))
        {
            failures.Add($"Diffusion:Device is '{options.Device}'; give auto, cpu, cuda or cuda:<index>.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^(auto|cpu|cuda(:[0-9]+)?)$")]
    private static partial Regex DeviceSpec();
}
