#!/usr/bin/env bash
# Freezes the public API of the SDK assemblies at the current version (a release step; see docs/versioning.md):
# PublicAPI.Unshipped.txt entries move to PublicAPI.Shipped.txt, and the built assemblies become the ApiCompat baseline
# that every later build is compared with (packaging/api-baseline/, with the version in packaging/api-baseline/VERSION).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's:.*<DiffusionVersion>\(.*\)</DiffusionVersion>.*:\1:p' Directory.Build.props)
baseline="packaging/api-baseline"
dotnet build Pipeline.sln -c Release -nologo -v q
mkdir -p "$baseline"
for project in contracts/Diffusion.Contracts core/Diffusion.Sdk; do
  name=$(basename "$project")
  cp "$project/bin/Release/net10.0/$name.dll" "$baseline/"
  shipped="$project/PublicAPI.Shipped.txt"; unshipped="$project/PublicAPI.Unshipped.txt"
  { echo "#nullable enable"; { grep -v '^#nullable' "$shipped"; grep -v '^#nullable' "$unshipped"; } | grep -v '^$' | sort -u; } > "$shipped.new"
  mv "$shipped.new" "$shipped"; echo "#nullable enable" > "$unshipped"
done
echo "$version" > "$baseline/VERSION"
echo "frozen $version: $(ls "$baseline")"
