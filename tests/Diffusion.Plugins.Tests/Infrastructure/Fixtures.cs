namespace Diffusion.Plugins.Tests.Infrastructure;

/// <summary>
/// Locates the reference fixtures. Data-driven parity tests (every case in a folder) read <see cref="Root"/>:
/// <c>DIFFUSION_FIXTURES_DIR</c> when set (to check cases we have not seen), else the repository's copy at
/// <c>tests/fixtures/reference</c>. A test that needs one particular fixture reads <see cref="Repository"/>, the
/// repository's copy, always: another fixtures folder need not hold that case.
/// </summary>
public static class Fixtures
{
    public const string EnvironmentVariable = "DIFFUSION_FIXTURES_DIR";

    /// <summary>The folder data-driven tests enumerate (the override, or the repository's copy).</summary>
    public static string Root { get; } = Locate();

    /// <summary>The repository's own copy, whatever <c>DIFFUSION_FIXTURES_DIR</c> says.</summary>
    public static string Repository { get; } = FindRepositoryCopy();

    /// <summary>A path under <see cref="Root"/>, for data-driven tests.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>A path under <see cref="Repository"/>, for tests of one particular fixture.</summary>
    public static string RepositoryPath(params string[] parts) => System.IO.Path.Combine([Repository, .. parts]);

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

        return FindRepositoryCopy();
    }

    private static string FindRepositoryCopy()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "fixtures", "reference");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"tests/fixtures/reference not found above {AppContext.BaseDirectory}.");
    }
}
