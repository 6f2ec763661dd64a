#!/usr/bin/env bash
# Pack `knn` as a .NET 10 RID-specific tool into ./out (or $1): the pointer package KnnCli, the ReadyToRun
# build for linux-x64 (KnnCli.linux-x64) and the framework-dependent build for every other platform (KnnCli.any).
# Then: dotnet tool install -g --add-source out KnnCli
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
out=$(realpath -m "${1:-out}")
dotnet pack src/KnnCli -c Release -o "$out"
ls -1 "$out"/KnnCli*.nupkg
