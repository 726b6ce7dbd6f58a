namespace Diffusion.Plugins.Tests.Infrastructure;

/// <summary>
/// Locates the reference fixtures: <c>DIFFUSION_FIXTURES_DIR</c> when set (to check cases we have not seen), else the
/// copy in the repository at <c>tests/fixtures/reference</c>.
/// </summary>
public static class Fixtures
{
    public const string EnvironmentVariable = "DIFFUSION_FIXTURES_DIR";

    public static string Root { get; } = Locate();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>The repository's own copy, whatever DIFFUSION_FIXTURES_DIR says: for tests that need one particular fixture.</summary>
    public static string RepositoryRoot { get; } = LocateRepositoryCopy();

    /// <summary>A path inside <see cref="RepositoryRoot"/>.</summary>
    public static string RepositoryPath(params string[] parts) => System.IO.Path.Combine([RepositoryRoot, .. parts]);

    private static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            if (!Directory.Exists(fromEnvironment))
            {
                throw new DirectoryNotFoundException($"{EnvironmentVariable}={fromEnvironment} does not exist.");
            }

            return fromEnvironment;
        }

        return LocateRepositoryCopy();
    }

    private static string LocateRepositoryCopy()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "fixtures", "reference");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"tests/fixtures/reference not found above {AppContext.BaseDirectory}; set {EnvironmentVariable}.");
    }
}
