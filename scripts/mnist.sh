#!/usr/bin/env bash
# The paper's MNIST sweeps (docs/theory.md §4.1, Table 1; the reference's scripts/mnist.sh and issue 25) through gdln's
# multirun: K/M x Xavier gain (init.scale) x hidden width x seed, 1000 epochs, SGD lr 1e-4, momentum 0.9, batch 8 per
# task, on the fused k-path engine. The mnist-routing plugin ships with gdln (scripts/gdln builds it); the data:
# scripts/fetch-data mnist. Long: run on a big machine. Extra overrides after the script's name apply to every point:
#   scripts/mnist.sh trainer.epochs=1 task.train-samples=200     (a smoke test of every sweep)
#   WORKERS=4 scripts/mnist.sh                                   (points in parallel)
#   scripts/mnist.sh --dry-run                                   (check and list every point, run nothing)
# --dry-run prints each sweep's command and every point with its resolved configuration, checks every point's
# configuration without training, and exits 2 when any point of any sweep has a problem (all are reported).
# On a SLURM cluster (gdln-cli/README.md, "Running on a cluster"), from the login node, each sweep is one job array:
#   scripts/mnist.sh --launcher slurm launcher.partition=cpu launcher.time=2-00:00:00 launcher.cpus-per-task=2 \
#     launcher.mem=8G launcher.array-parallelism=40 'launcher.setup=["module load java/17"]'
# (or the launcher { } block in a file: scripts/mnist.sh --launcher slurm --config cluster.conf) submits 3 arrays
# (168 + 168 + 216 points) and prints each sweep folder; then scripts/gdln sweep status --watch <folder>, and
# scripts/gdln sweep collect <folder> for the table and plots. Tasks stopped by the time limit or preempted resume
# from their checkpoints (requeued, or scripts/gdln sweep resubmit <folder>).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
workers="${WORKERS:-1}"
gains="init.scale=0.0001,0.001,0.01,0.1,1,10"
dry=()
extra=()
for a in "$@"; do
  if [[ "$a" == "--dry-run" ]]; then dry=(--dry-run); else extra+=("$a"); fi
done
status=0
run() {
  if [[ ${#dry[@]} -gt 0 ]]; then
    echo "# $here/gdln run -m $*"
    "$here/gdln" run -m --dry-run "$@" || status=$?
  else
    "$here/gdln" run -m "$@"
  fi
}
# M = 40, permuted and rotated inputs: K = 5..35 (K/M = 12.5%..87.5%), H = 128 and 1024, seeds 1, 2
run mnist-routing-permute-m40 --workers "$workers" gating.K=5,10,15,20,25,30,35 "$gains" \
  model.hidden-width=128,1024 seed=1,2 ${extra[@]+"${extra[@]}"}
run mnist-routing-rotate-m40 --workers "$workers" gating.K=5,10,15,20,25,30,35 "$gains" \
  model.hidden-width=128,1024 seed=1,2 ${extra[@]+"${extra[@]}"}
# M = 100, permuted inputs (the reference's released sweep): K = 10..90 (K/M = 10%..90%)
run mnist-routing-permute-m100 --workers "$workers" gating.K=10,20,30,40,50,60,70,80,90 "$gains" \
  model.hidden-width=128,1024 seed=1,2 ${extra[@]+"${extra[@]}"}
exit "$status"
