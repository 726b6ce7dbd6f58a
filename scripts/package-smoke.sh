#!/usr/bin/env bash
# What a plugin author and an app developer do with the packages, from an empty folder:
#   dotnet new diffusion-plugin, add a sampler the framework does not have (DPM-2), build, test, run it in a pipeline
#   with the diffuse CLI, and embed it in a console app through Diffusion.Hosting + Diffusion.Plugins.
# Needs a Release build (dotnet build Pipeline.sln -c Release); packs into artifacts/packages first.
#   --empty-cache   use a fresh NuGet cache (NUGET_PACKAGES in the temp folder): everything restores from the feeds,
#                   libtorch included (about 0.5 GB), as on a clean machine.
#   --keep          keep the temp folder (printed) for inspection.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
empty_cache=false; keep=false
for arg in "$@"; do
  case "$arg" in
    --empty-cache) empty_cache=true ;;
    --keep) keep=true ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d /tmp/diffusion-smoke-XXXXXX)
cleanup() { if [ "$keep" = false ]; then rm -rf "$work"; else echo "kept $work"; fi; }
trap cleanup EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [ "$empty_cache" = true ]; then export NUGET_PACKAGES="$work/nuget-packages"; fi
version=$(sed -n 's:.*<DiffusionVersion>\(.*\)</DiffusionVersion>.*:\1:p' "$repo/Directory.Build.props")
step() { echo; echo "== $*"; }

step "pack $version into artifacts/packages"
if ! pack_log=$(dotnet pack "$repo/Pipeline.sln" -c Release --no-build -v q -nologo 2>&1); then
  echo "$pack_log" >&2; echo "FAIL: dotnet pack (is every packable project built? dotnet build Pipeline.sln -c Release)" >&2; exit 1
fi

# The local feed beside the machine's own sources; a fresh package folder so this version is taken from the feed.
cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="diffusion-local" value="$repo/artifacts/packages" />
  </packageSources>
</configuration>
XML
if [ "$empty_cache" = false ]; then
  # Packages of this version left by an earlier run would shadow the ones just packed.
  for p in "$repo"/artifacts/packages/*.nupkg; do
    id=$(basename "$p" ".$version.nupkg" | tr 'A-Z' 'a-z'); rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/$id/$version"
  done
fi

step "dotnet new diffusion-plugin -n Acme.Dpm2"
hive="$work/template-hive"
dotnet new install "$repo/artifacts/packages/Diffusion.Templates.$version.nupkg" --debug:custom-hive "$hive" >/dev/null
(cd "$work" && dotnet new diffusion-plugin -n Acme.Dpm2 --debug:custom-hive "$hive" >/dev/null)
plugin="$work/Acme.Dpm2"

step "write a DPM-2 sampler (k-diffusion's sample_dpm_2) on the SDK's model wrapper"
cat > "$plugin/src/Acme.Dpm2/Dpm2Sampler.cs" <<'CS'
using Diffusion.Contracts;
using Diffusion.Sdk;
using static TorchSharp.torch;

namespace Acme.Dpm2;

/// <summary>DPM-Solver-2 (Lu et al. 2022, Algorithm 1 with r = 1/2) as k-diffusion's sample_dpm_2: a midpoint step in log σ.</summary>
public sealed class Dpm2Sampler : ISampler
{
    public SamplerInfo Info { get; } = new("dpm2", Stochastic: false) { Needs = ScheduleFeatures.Sigmas };

    public SamplingResult Sample(SamplingRequest request)
    {
        var model = SigmaDenoiser.For(request, sampler: Info);
        var sigmas = model.Sigmas;
        var x = model.Initial();
        for (int i = 0; i < sigmas.Count - 1; i++)
        {
            using var scope = NewDisposeScope();
            var d = (x - model.Denoise(x, sigmas[i])) / sigmas[i];
            Tensor next;
            if (sigmas[i + 1] == 0)
            {
                next = x + d * (sigmas[i + 1] - sigmas[i]);
            }
            else
            {
                double mid = Math.Exp((Math.Log(sigmas[i]) + Math.Log(sigmas[i + 1])) / 2);
                var x2 = x + d * (mid - sigmas[i]);
                var d2 = (x2 - model.Denoise(x2, mid)) / mid;
                next = x + d2 * (sigmas[i + 1] - sigmas[i]);
            }

            SamplerTensors.Replace(ref x, next.MoveToOuterDisposeScope());
        }

        return model.Result(x, sigmas.Count - 1);
    }
}

public sealed record Dpm2Options;

public sealed class Dpm2Node : SamplerNodeType<Dpm2Options>
{
    protected override string Name => "sampler.dpm2";

    protected override string Description => "DPM-Solver-2 (k-diffusion's sample_dpm_2).";

    protected override ISampler Create(Dpm2Options options) => new Dpm2Sampler();
}
CS
sed -i 's/registrar.AddNodeType(new MySamplerNode());/registrar.AddNodeType(new MySamplerNode());\n        registrar.AddNodeType(new Dpm2Node());/' "$plugin/src/Acme.Dpm2/MyPlugin.cs"

step "dotnet test (the template's tests, in a real host with the built-in plugins)"
(cd "$work" && dotnet test "$plugin/Acme.Dpm2.slnx" -c Release -nologo -v q)

folder="$plugin/src/Acme.Dpm2/bin/Release/net10.0"
step "the plugin folder holds no shared assembly"
ls "$folder"
if ls "$folder" | grep -E '^(Diffusion\.(Contracts|Sdk|Torch|Nn)|TorchSharp|Google\.Protobuf|ICSharpCode|libSkiaSharp|SkiaSharp)' ; then
  echo "FAIL: shared assemblies were copied into the plugin folder" >&2; exit 1
fi
grep -q '"contracts": "' "$folder/plugin.json" && cat "$folder/plugin.json"

cat > "$work/dpm2.json" <<'JSON'
{
  "version": 1,
  "nodes": {
    "sched":  { "type": "scheduler.discrete", "params": { "timestep_spacing": "trailing" } },
    "exact":  { "type": "denoiser.gaussian_mixture", "inputs": { "scheduler": "sched" }, "params": { "preset": "eight_gaussians" } },
    "dpm2":   { "type": "sampler.dpm2" },
    "sample": { "type": "sample", "inputs": { "sampler": "dpm2", "denoiser": "exact", "scheduler": "sched" }, "params": { "steps": 10, "count": 256, "seed": 1 } },
    "modes":  { "type": "eval.modes", "inputs": { "samples": "sample.samples" } },
    "table":  { "type": "output.metrics_table", "inputs": { "metrics": ["modes"] }, "params": { "path": "dpm2-modes.md" } }
  }
}
JSON
step "diffuse run with the new plugin"
dotnet "$repo/hosts/Diffusion.Cli/bin/Release/net10.0/diffuse.dll" run "$work/dpm2.json" --plugins "$folder" --out "$work/out" --device cpu

step "embed it in a console app (Diffusion.Hosting + Diffusion.Plugins)"
app="$work/EmbedApp"
mkdir -p "$app"
cat > "$app/EmbedApp.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Diffusion.Hosting" Version="$version" />
    <PackageReference Include="Diffusion.Plugins" Version="$version" />
    <PackageReference Include="Microsoft.Extensions.Hosting" Version="10.0.5" />
  </ItemGroup>
</Project>
XML
cp "$repo/samples/EmbeddingApp/Program.cs" "$app/Program.cs"
sed -i "s|.AddPluginFolder(Path.Combine(AppContext.BaseDirectory, \"plugins\"));|.AddPluginFolder(Path.Combine(AppContext.BaseDirectory, \"plugins\"))\n    .AddPluginFolder(\"$folder\");|" "$app/Program.cs"
(cd "$work" && dotnet run --project "$app" -c Release -- --pipeline "$work/dpm2.json" --Diffusion:Device cpu --Diffusion:OutputDirectory "$work/out-app") | tail -3
if [ -d "$app/bin/Release/net10.0/plugins" ] && ! find "$app/bin" -name 'libtorch_cpu.so' | grep -q .; then
  echo "the app carries plugins/ and no libtorch copy"
else
  echo "FAIL: plugins/ missing or libtorch copied into the app" >&2; exit 1
fi
echo; echo "package smoke: OK"
