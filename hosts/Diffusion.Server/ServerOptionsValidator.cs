using Microsoft.Extensions.Options;

namespace Diffusion.Server;

/// <summary>Checks <see cref="ServerOptions"/> when the host starts, naming each bad setting.</summary>
internal sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var failures = new List<string>();
        void Positive(long value, string key)
        {
            if (value < 1)
            {
                failures.Add($"Server:{key} is {value}; give 1 or more.");
            }
        }

        Positive(options.Workers, nameof(options.Workers));
        Positive(options.MaxQueuedRuns, nameof(options.MaxQueuedRuns));
        Positive(options.MaxRequestBodyBytes, nameof(options.MaxRequestBodyBytes));
        Positive(options.MaxJsonDepth, nameof(options.MaxJsonDepth));
        Positive(options.MaxNodes, nameof(options.MaxNodes));
        Positive(options.MaxAttempts, nameof(options.MaxAttempts));
        Positive(options.MaxParallelismPerRun, nameof(options.MaxParallelismPerRun));
        Positive(options.MaxPageSize, nameof(options.MaxPageSize));
        if (options.MaxOverrides < 0)
        {
            failures.Add($"Server:MaxOverrides is {options.MaxOverrides}; give 0 or more.");
        }

        if (options.RunTimeLimit <= TimeSpan.Zero)
        {
            failures.Add($"Server:RunTimeLimit is {options.RunTimeLimit}; give a positive time such as 00:30:00.");
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("Server:DataDirectory is empty; give the folder for the queue database and run outputs.");
        }

        if (options.PipelineDirectory is { } folder && !Directory.Exists(folder))
        {
            failures.Add($"Server:PipelineDirectory '{folder}' does not exist; create it or leave the setting out.");
        }

        foreach (var root in options.InputRoots.Where(r => !Directory.Exists(r)))
        {
            failures.Add($"Server:InputRoots contains '{root}', which is not an existing folder.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
