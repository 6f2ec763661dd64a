#!/usr/bin/env bash
# The test command for a fresh machine: install the Debian packages the tests use when missing,
# check for moto_server, then run `dotnet test KnnCli.sln` (extra arguments are passed on, e.g. --filter).
set -uo pipefail
cd "$(dirname "$0")"

# Debian packages the tests use (faiss and scikit-learn as reference implementations, wrk, data sets).
packages=$(grep -v '^\s*#' .ci/apt-packages.txt | tr '\n' ' ')
missing=$(for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done | tr '\n' ' ')
if [ -n "${missing// }" ]; then
  echo "Installing Debian packages: $missing"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  apt="$sudo apt-get -o DPkg::Lock::Timeout=600 -qq"  # wait for another apt-get instead of failing
  if ! { $apt update >/dev/null && $apt install -y $missing >/dev/null; }; then
    echo "error: apt-get install failed for: $missing (install them by hand, then run ./test.sh again)" >&2
    exit 1
  fi
fi

# The sagemaker target is tested against moto server; a missing emulator is a failure, never a skip.
if ! command -v moto_server >/dev/null 2>&1; then
  echo "error: moto_server is not on PATH (install Python 3.11 with moto 5.2: pip install 'moto[server]==5.2.*')" >&2
  exit 1
fi

exec dotnet test KnnCli.sln "$@"
