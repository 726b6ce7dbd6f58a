using Diffusion.Server;

// diffusion-server [--urls http://127.0.0.1:5080] [--Server:DataDirectory server-data] [--Server:PipelineDirectory pipelines]
//                  [--Server:InputRoots:0 pipelines] [--Server:Workers 1] [--Diffusion:Device cpu] ... (docs/server.md)
var app = DiffusionServerApp.Build(args);
await app.RunAsync();
