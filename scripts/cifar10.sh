#!/usr/bin/env bash
# The paper's CIFAR-10 sweep (docs/theory.md §4.1, the reference's scripts/cifar10.sh): rotated CIFAR-10 routing at M = 40,
# K = 5..35 (K/M = 12.5%..87.5%) x Xavier gain (init.scale) x seed, 1000 epochs, through gdln's multirun on the fused
# k-path engine. The cifar-transfer plugin ships with gdln (scripts/gdln builds it); CIFAR-10 itself: see
# gdln-plugins/cifar-transfer/README.md ($GDLN_DATA/cifar10 or task.data-dir=DIR). The reference trains on ResNet-20
# features: add task.feature-model=FILE task.feature-layer=NAME. Extra overrides after the script's name apply to
# every point, e.g. scripts/cifar10.sh trainer.epochs=1 task.train-samples=200. scripts/cifar10.sh --dry-run prints
# the command and every point with its resolved configuration, checks them without training (exit 2 on a problem).
# On a SLURM cluster the 84 points are one job array (gdln-cli/README.md, "Running on a cluster"), e.g.
#   scripts/cifar10.sh --launcher slurm launcher.partition=cpu launcher.time=1-00:00:00 launcher.mem=8G \
#     'launcher.setup=["module load java/17"]'
# then scripts/gdln sweep status --watch <folder> and scripts/gdln sweep collect <folder>.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dry=()
extra=()
for a in "$@"; do
  if [[ "$a" == "--dry-run" ]]; then dry=(--dry-run); else extra+=("$a"); fi
done
args=(cifar-transfer --workers "${WORKERS:-1}" gating.K=5,10,15,20,25,30,35
  init.scale=0.0001,0.001,0.01,0.1,1,10 seed=1,2 ${extra[@]+"${extra[@]}"})
if [[ ${#dry[@]} -gt 0 ]]; then echo "# $here/gdln run -m ${args[*]}"; fi
exec "$here/gdln" run -m ${dry[@]+"${dry[@]}"} "${args[@]}"
