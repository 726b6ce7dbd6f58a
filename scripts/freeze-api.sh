#!/usr/bin/env bash
# Freezes the public API of the SDK assemblies at the current version (a release step; see docs/versioning.md):
# PublicAPI.Unshipped.txt entries move to PublicAPI.Shipped.txt, and the built assemblies become the ApiCompat baseline
# that every later build is compared with (packaging/api-baseline/, with the version in packaging/api-baseline/VERSION).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's:.*<DiffusionVersion>\(.*\)</DiffusionVersion>.*:\1:p' Directory.Build.props)
baseline="packaging/api-baseline"
[ "${1:-}" = "--no-build" ] || dotnet build Pipeline.sln -c Release -nologo -v q
mkdir -p "$baseline"
# Released surface: PublicAPI.Unshipped.txt entries move to PublicAPI.Shipped.txt in every tracked assembly.
for project in contracts/Diffusion.Contracts core/Diffusion.Sdk core/Diffusion.Testing; do
  shipped="$project/PublicAPI.Shipped.txt"; unshipped="$project/PublicAPI.Unshipped.txt"
  # grep exits 1 when it keeps no line (an empty Shipped file); that is not an error here.
  { echo "#nullable enable"; { grep -v '^#nullable' "$shipped" || true; grep -v '^#nullable' "$unshipped" || true; } | grep -v '^$' | sort -u; } > "$shipped.new"
  mv "$shipped.new" "$shipped"; echo "#nullable enable" > "$unshipped"
done
# The ApiCompat baseline: the frozen assemblies every later build is compared with.
for project in contracts/Diffusion.Contracts core/Diffusion.Sdk; do
  name=$(basename "$project")
  cp "$project/bin/Release/net10.0/$name.dll" "$baseline/"
done
echo "$version" > "$baseline/VERSION"
echo "frozen $version: $(ls "$baseline")"
