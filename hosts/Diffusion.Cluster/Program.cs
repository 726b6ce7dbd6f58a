using Diffusion.Cluster;
using Diffusion.Cluster.Hosting;
using Diffusion.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

// diffusion-cluster silo     --Cluster:Redis 127.0.0.1:6379 --Cluster:SiloPort 11111 --Cluster:GatewayPort 30000
//                            --Server:DataDirectory <shared folder> --Server:PipelineDirectory pipelines [--Server:Workers 1] ...
// diffusion-cluster frontend --Cluster:Redis 127.0.0.1:6379 --Server:DataDirectory <shared folder> [--urls http://127.0.0.1:5080] ...
// (docs/scale.md, docs/adr/0015-cluster-on-orleans-and-redis.md)
if (args.Length == 0 || args[0] is not ("silo" or "frontend"))
{
    Console.Error.WriteLine("usage: diffusion-cluster silo|frontend [--Cluster:Redis host:port] [--Server:DataDirectory shared-folder] [settings...]");
    Console.Error.WriteLine("A silo runs runs; the front end serves the server's HTTP API backed by the silos. See docs/scale.md.");
    return 2;
}

var rest = args[1..];
if (args[0] == "frontend")
{
    var app = ClusterFrontend.Build(rest);
    await app.RunAsync();
    return 0;
}

var builder = Host.CreateApplicationBuilder(rest);
var settings = builder.Configuration.GetSection(ClusterSettings.SectionName).Get<ClusterSettings>() ?? new ClusterSettings();
var diffusion = builder.Services.AddClusterWorker(builder.Configuration);
if (!builder.Configuration.GetValue<bool>("Server:NoBuiltInPlugins") && Directory.Exists(DiffusionServerApp.BuiltInPluginFolder))
{
    diffusion.AddPluginFolder(DiffusionServerApp.BuiltInPluginFolder);
}

builder.UseOrleans(silo => silo.UseClusterRedis(settings));
using var host = builder.Build();
await host.RunAsync();
return 0;
