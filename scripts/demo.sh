#!/usr/bin/env bash
# Runs the agent simulator: a simulated AI agent's memory on the embedded (in-process) tiered
# store, printing once a second what each tier holds and how memories were promoted, demoted,
# archived and rehydrated. Needs only a JDK 17+ and Maven; no servers.
#
#   ./scripts/demo.sh                 # until Ctrl-C
#   ./scripts/demo.sh --duration 10   # 10 seconds, then a summary
#   ./scripts/demo.sh --help          # the simulator's options
#
# Every argument goes to the simulator. The runnable jar is (re)built first when it is missing or
# older than any source it is built from.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly JAR=examples/agent-simulator/target/agent-simulator.jar
# Everything the jar is built from: the parent pom, the core module and the simulator module.
readonly INPUTS=(pom.xml tiered-memory-core/pom.xml tiered-memory-core/src
  examples/agent-simulator/pom.xml examples/agent-simulator/src)

needs_build() {
  [[ ! -f $JAR ]] || [[ -n $(find "${INPUTS[@]}" -newer "$JAR" -print -quit) ]]
}

require() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "demo.sh: '$1' is not on the PATH; install $2" >&2
    exit 1
  fi
}

echo "demo: an AI agent's memories moving between hot, warm and cold tiers (in process, no servers)"

require java "a JDK 17 or later"
if needs_build; then
  require mvn "Maven 3.8.7 or later"
  echo "demo: building the simulator..." >&2
  # package, not install: nothing is written to ~/.m2. Tests are skipped (and not compiled), so
  # the demo does not depend on work in progress in other modules' tests. The log is shown only
  # if the build fails (a quiet Maven still prints stray terminal escape codes).
  log=$(mktemp)
  if ! mvn -B -q -Dmaven.test.skip=true package -pl examples/agent-simulator -am >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "demo.sh: building the simulator failed (log above)" >&2
    exit 1
  fi
  rm -f "$log"
fi

exec java -jar "$JAR" "$@"
