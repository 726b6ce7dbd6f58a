namespace Diffusion.Contracts;

/// <summary>
/// The version of the plugin API a plugin is built for. A host accepts a plugin whose contracts major equals its own
/// and whose minor is not newer than its own: minors only add (default interface methods, new interfaces).
/// </summary>
public static class ContractsVersion
{
    /// <summary>Breaking changes bump the major.</summary>
    public const int Major = 1;

    /// <summary>Additive changes bump the minor.</summary>
    public const int Minor = 0;

    /// <summary>The version as <see cref="System.Version"/> (major.minor).</summary>
    public static Version Current { get; } = new(Major, Minor);

    /// <summary>
    /// Whether a plugin built against <paramref name="pluginContracts"/> can run against these contracts.
    /// </summary>
    /// <param name="pluginContracts">The contracts version recorded in the plugin's manifest.</param>
    /// <param name="reason">Why not, phrased for the user, when the answer is false.</param>
    public static bool IsCompatible(Version pluginContracts, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(pluginContracts);
        if (pluginContracts.Major != Major)
        {
            reason = $"it was built for contracts {pluginContracts.Major}.{Math.Max(0, pluginContracts.Minor)}, this host implements {Major}.{Minor}; majors must match. Rebuild the plugin against Diffusion.Contracts {Major}.x.";
            return false;
        }

        if (pluginContracts.Minor > Minor)
        {
            reason = $"it was built for contracts {pluginContracts.Major}.{pluginContracts.Minor}, newer than this host's {Major}.{Minor}. Update the host, or rebuild the plugin against Diffusion.Contracts {Major}.{Minor}.";
            return false;
        }

        reason = null;
        return true;
    }
}
