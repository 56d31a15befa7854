#!/usr/bin/env bash
# Adds new public symbols of the shipping libraries to their PublicAPI.Unshipped.txt (RS0016 code fix).
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/*/*.csproj; do
  dir=$(dirname "$project")
  [ -f "$dir/PublicAPI.Unshipped.txt" ] || continue
  dotnet format analyzers "$project" --diagnostics RS0016 --severity warn
done
