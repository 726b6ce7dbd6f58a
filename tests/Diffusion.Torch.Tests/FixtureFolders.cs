namespace Diffusion.Torch.Tests;

/// <summary>
/// The reference fixtures: <see cref="Cases"/> for tests over every file of a fixtures folder (DIFFUSION_FIXTURES_DIR
/// overrides it), <see cref="Repository"/> for tests of one particular file (always the repository's copy).
/// </summary>
internal static class FixtureFolders
{
    public static string Repository { get; } = FindRepositoryCopy();

    public static string Cases { get; } = Environment.GetEnvironmentVariable("DIFFUSION_FIXTURES_DIR") is { Length: > 0 } over
        ? Directory.Exists(over) ? over : throw new DirectoryNotFoundException($"DIFFUSION_FIXTURES_DIR={over} does not exist.")
        : Repository;

    private static string FindRepositoryCopy()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures", "reference");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"tests/fixtures/reference not found above {AppContext.BaseDirectory}.");
    }
}
