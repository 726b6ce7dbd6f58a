#!/usr/bin/env bash
# Records new public API in PublicAPI.Unshipped.txt of every project that tracks its surface (RS0016/RS0017 code fixes).
# Review the diff: an entry that disappears from PublicAPI.Shipped.txt is a breaking change (see docs/versioning.md).
set -euo pipefail
cd "$(dirname "$0")/.."
for project in $(git ls-files '*PublicAPI.Shipped.txt' | xargs -n1 dirname | sort -u); do
  csproj=$(ls "$project"/*.csproj)
  dotnet format analyzers "$csproj" --diagnostics RS0016 RS0017 --severity info
done
