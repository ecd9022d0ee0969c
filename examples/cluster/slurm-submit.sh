#!/bin/bash
# Builds the study binary, submits the array of shards, and queues the
# merge to run once every array task has succeeded (afterok on an array
# job waits for all of its tasks). Run from the repository root.
set -euo pipefail
go build -o mmc ./examples/mmc
mkdir -p results
study=$(sbatch --parsable examples/cluster/slurm-study.sbatch)
sbatch --dependency=afterok:"${study}" examples/cluster/slurm-merge.sbatch
echo "submitted study ${study}; results in results/summary.csv when the merge job finishes"
