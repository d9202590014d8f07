#!/usr/bin/env bash
# What `npm test` needs besides node_modules, set up on a fresh Debian machine: Chromium for the
# webview and VS Code tiers, the headers code-server's kerberos module builds against, the real ML
# libraries the parser and notebook tests run, and a single-node Slurm for the Slurm tests.
# As root it installs what is missing and starts Slurm; otherwise it stops at once and says which
# one command to run. Runs in well under a second when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages, each with the test tier that needs it.
packages=(
  chromium            # webview and VS Code tiers (playwright-core drives /usr/bin/chromium)
  libkrb5-dev         # code-server's kerberos module builds from source here
  python3-numpy       # the demo training
  python3-torch       # real PyTorch output for the parser tests
  python3-tqdm
  python3-ipykernel   # real kernels for the notebook tests
  python3-jupyter-client
  python3-nbformat
  python3-ipywidgets
  slurm-wlm munge     # the Slurm tests
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "test-setup: missing Debian packages: ${missing[*]}" >&2
    echo "test-setup: run once as root:  sudo bash scripts/test-setup.sh" >&2
    exit 1
  fi
  echo "test-setup: installing ${missing[*]} (a few minutes, once)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The demo training runs under the first python3 on PATH, which may not be Debian's.
if ! python3 -c 'import numpy' 2>/dev/null; then
  echo "test-setup: $(command -v python3) has no numpy; the demo training needs it (python3 -m pip install numpy, or put /usr/bin first on PATH)" >&2
  exit 1
fi

if ! sinfo -h >/dev/null 2>&1 && [ "$(id -u)" != 0 ]; then
  echo "test-setup: Slurm is not running; run once as root:  sudo bash scripts/test-setup.sh" >&2
  exit 1
fi
bash scripts/slurm-start.sh
