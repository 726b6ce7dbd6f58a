using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Diffusion.Server.Http;

/// <summary>Puts <see cref="ApiKeyMiddleware"/> first in the app's pipeline, so an app that calls AddDiffusionServer is guarded without another call.</summary>
internal sealed class ApiKeyStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<ApiKeyMiddleware>();
        next(app);
    };
}
