#!/usr/bin/env bash
# Mutation testing of tiered-memory-core with PIT (org.pitest:pitest-maven 1.30.2).
#
#   ./scripts/mutation.sh                      every class of core (about 25 minutes on 2 cores)
#   ./scripts/mutation.sh Mover Sweeper        only these classes of io.tieredmemory.core
#   TM_MUTATION_THREADS=1 ./scripts/mutation.sh ...
#
# PIT runs in tiered-memory-test-kit with crossModule: it mutates core's classes and runs, against
# each mutant, the in-process tests of both modules (core's own tests are added to the test kit's
# by the `mutation` profile). No server is needed. The interleaving checker and Lincheck are left
# out (each takes minutes per mutant); docs/architecture.md ("Tests") says what that costs and gives
# the figures.
# The report: tiered-memory-test-kit/target/pit-reports/index.html (and mutations.csv).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

classes=io.tieredmemory.core.*
if (($#)); then
  classes=$(printf 'io.tieredmemory.core.%s,' "$@")
  classes=${classes%,}
fi
exec mvn -B -ntp -P mutation -DskipPitest \
  -pl tiered-memory-core,tiered-memory-test-kit \
  test-compile org.pitest:pitest-maven:1.30.2:mutationCoverage \
  -DtargetClasses="$classes" -Dthreads="${TM_MUTATION_THREADS:-2}"
