using Microsoft.Playwright;

namespace Diffusion.Server.BrowserTests;

/// <summary>
/// One headless chromium per test class: Debian's package at <see cref="ChromiumPath"/>, launched by Playwright (which
/// adds --no-sandbox for root itself). A missing browser fails the tests with what to install; it never skips them.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"{ChromiumPath} is missing: the browser tests drive Debian's chromium. Install it with `apt-get install -y chromium` (.ci/run does).");
        }

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}
