#!/usr/bin/env bash
# The paper's CIFAR-10 sweep (THEORY.md 4.1): rotated CIFAR-10 routing at M = 40, K/M x gain x seed, 1000 epochs,
# through gdln's multirun. Needs the cifar-transfer plugin in plugins/ and CIFAR-10 (scripts/fetch-data cifar10 DIR).
# Extra overrides after the script's name apply to every point, e.g. scripts/cifar10.sh trainer.epochs=10
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/gdln" run -m cifar-transfer --workers "${WORKERS:-1}" \
  gating.K=4,8,12,16,20,24,28,32,36,40 trainer.gain=0.1,1,10 seed=1,2,3 "$@"
