using Diffusion.Contracts;
using Diffusion.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// dotnet EmbeddingApp.dll --pipeline pipelines/toy2d-sample.json --Diffusion:Device cpu --Diffusion:OutputDirectory out
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddDiffusion(builder.Configuration.GetSection(DiffusionOptions.SectionName))
    .AddPluginFolder(Path.Combine(AppContext.BaseDirectory, "plugins"));
using var host = builder.Build();
await host.StartAsync(); // validates the options and logs refused plugins

var runner = host.Services.GetRequiredService<IPipelineRunner>();
var read = runner.ReadFile(builder.Configuration["pipeline"] ?? "pipeline.json");
if (read.Pipeline is null)
{
    read.Issues.ToList().ForEach(issue => Console.Error.WriteLine(issue));
    return 2;
}

var outcome = PipelineEventKind.RunFailed;
await foreach (var e in runner.RunStreamingAsync(read.Pipeline))
{
    Console.WriteLine($"{e.Kind} {e.NodeId} {e.Step}/{e.Total} {e.Message}");
    outcome = e.Kind;
}

await host.StopAsync();
return outcome == PipelineEventKind.RunFinished ? 0 : 1;
