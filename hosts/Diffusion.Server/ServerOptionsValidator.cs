using Diffusion.Torch;
using Microsoft.Extensions.Options;

namespace Diffusion.Server;

/// <summary>Checks <see cref="ServerOptions"/> when the host starts, naming each bad setting.</summary>
internal sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    /// <summary>The shortest API key accepted: a key is a secret, not a password to remember.</summary>
    public const int ApiKeyMinLength = 16;

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

        if (options.PreviewInterval < TimeSpan.Zero)
        {
            failures.Add($"Server:PreviewInterval is {options.PreviewInterval}; give 0 (no previews) or a positive time such as 00:00:00.5.");
        }

        if (options.Retention is { } retention && retention <= TimeSpan.Zero)
        {
            failures.Add($"Server:Retention is {retention}; give a positive time such as 7.00:00:00, or leave it out to keep every run.");
        }

        if (options.RetentionSweepInterval <= TimeSpan.Zero)
        {
            failures.Add($"Server:RetentionSweepInterval is {options.RetentionSweepInterval}; give a positive time such as 00:10:00.");
        }

        foreach (var (key, index) in options.ApiKeys.Select((k, i) => (k, i)).Where(k => string.IsNullOrWhiteSpace(k.k) || k.k.Length < ApiKeyMinLength))
        {
            failures.Add($"Server:ApiKeys:{index} is {(string.IsNullOrWhiteSpace(key) ? "empty" : $"{key.Length} characters long")}; give keys of at least {ApiKeyMinLength} characters (random, e.g. openssl rand -hex 32).");
        }

        for (var i = 0; i < options.DeviceWorkers.Count; i++)
        {
            var pool = options.DeviceWorkers[i];
            if (pool.Count < 1)
            {
                failures.Add($"Server:Workers:{i}:Count is {pool.Count}; give 1 or more.");
            }

            if (string.IsNullOrWhiteSpace(pool.Device))
            {
                failures.Add($"Server:Workers:{i}:Device is empty; give cpu, cuda, cuda:n or auto.");
                continue;
            }

            try
            {
                TorchRuntime.ResolveDevice(pool.Device);
            }
            catch (TorchRuntimeException ex)
            {
                failures.Add($"Server:Workers:{i}:Device \"{pool.Device}\" cannot be used: {ex.Message}");
            }
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
