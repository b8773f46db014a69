#!/usr/bin/env bash
# The paper's MNIST sweeps (THEORY.md 4.1, Table 1) through gdln's multirun: K/M x gain x seed for the permuted
# MNIST routing task at M = 40 (and M = 100 with the second command), 1000 epochs, SGD lr 1e-4, momentum 0.9,
# batch 8 per task. Needs the mnist-routing plugin in plugins/ (or --plugins / GDLN_PLUGINS) and the data
# (scripts/fetch-data mnist). Long: run on a big machine; pass extra overrides after the script's name, e.g.
#   scripts/mnist.sh trainer.epochs=10      (a smoke test)
#   WORKERS=4 scripts/mnist.sh              (points in parallel)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
workers="${WORKERS:-1}"
# M = 40: K = 4..40 step 4 (K/M = 10%..100%), gains 0.1, 1, 10, seeds 1-3
"$here/gdln" run -m mnist-routing-m40 --workers "$workers" \
  gating.K=4,8,12,16,20,24,28,32,36,40 trainer.gain=0.1,1,10 seed=1,2,3 "$@"
# rotated MNIST, M = 40
"$here/gdln" run -m mnist-routing-m40 --workers "$workers" task.input-transform=rotate \
  gating.K=4,8,12,16,20,24,28,32,36,40 trainer.gain=0.1,1,10 seed=1,2,3 "$@"
# M = 100: K/M = 10%..100%
"$here/gdln" run -m mnist-routing-m40 --workers "$workers" task.domains=100 \
  gating.K=10,20,30,40,50,60,70,80,90,100 trainer.gain=0.1,1,10 seed=1,2,3 "$@"
