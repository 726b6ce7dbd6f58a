namespace Diffusion.Core.Plugins;

/// <summary>A plugin folder that was refused, and why. The host keeps running with the other plugins.</summary>
/// <param name="Folder">The full path of the plugin folder (or of the path given, when it does not exist).</param>
/// <param name="PluginId">The id from <c>plugin.json</c>, when the manifest could be read.</param>
/// <param name="Kind">What went wrong.</param>
/// <param name="Message">What failed, in which folder, and what to do about it; written for the user.</param>
public sealed record PluginFailure(string Folder, string? PluginId, PluginFailureKind Kind, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind}: {Message}";
}
