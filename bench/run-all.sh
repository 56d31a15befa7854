#!/usr/bin/env bash
# Reproduces every table of bench/README.md in one command:
#
#   bench/run-all.sh            # the measured sizes (about 20 minutes on the 2-core machine)
#   bench/run-all.sh --smoke    # the CI sizes (about a minute): proves every scenario runs
#
# Builds in Release, runs each macro scenario of bench/Bitrix.Bench and the BenchmarkDotNet micro
# benchmarks of bench/Bitrix.Benchmarks, and writes into bench/results/RUN (git-ignored):
# each scenario's JSON and Markdown (Bitrix.Bench --out), each command's console log, and
# SUMMARY.md — every table in run order with the command, its exit code and the load average
# (`uptime`) before and after it. The README's tables are copied from SUMMARY.md by hand, with
# the reading of the numbers that only a person can add. Exit code: the number of failed commands.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

smoke=0
[ "${1:-}" = "--smoke" ] && smoke=1
run="bench/results/$(date -u +%Y%m%d-%H%M%S)$([ $smoke = 1 ] && echo -smoke)"
mkdir -p "$run"
summary="$run/SUMMARY.md"
bench="dotnet bench/Bitrix.Bench/bin/Release/net10.0/Bitrix.Bench.dll"
micro="dotnet bench/Bitrix.Benchmarks/bin/Release/net10.0/Bitrix.Benchmarks.dll"
failed=0

{
  echo "# Benchmark run $(basename "$run")"
  echo
  echo "Machine: $(nproc) logical cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(dotnet --version) SDK, $(git rev-parse --short HEAD) ($(git status --porcelain | grep -q . && echo 'with local changes' || echo clean))."
} > "$summary"

dotnet build TypedBitrix.sln -c Release > "$run/build.log" 2>&1 || { echo "build failed: $run/build.log"; exit 1; }

# step NAME COMMAND...: runs one command, logs it, and appends its tables to the summary.
step() {
  local name=$1; shift
  local before after status started
  before=$(uptime | sed 's/.*load average: //')
  started=$SECONDS
  echo "== $name: $*"
  "$@" > "$run/$name.log" 2>&1
  status=$?
  after=$(uptime | sed 's/.*load average: //')
  {
    echo
    echo "## $name"
    echo
    echo "\`$*\` — exit $status, $((SECONDS - started)) s; load average before: $before; after: $after"
    echo
    # The scenario's own Markdown tables (Bitrix.Bench) or BenchmarkDotNet's (Bitrix.Benchmarks).
    grep -E '^\|' "$run/$name.log" || tail -5 "$run/$name.log"
  } >> "$summary"
  [ $status -eq 0 ] || { echo "   FAILED ($status): $run/$name.log"; failed=$((failed + 1)); }
}

out="--out $run"
if [ $smoke = 1 ]; then
  step micro $micro --smoke --artifacts "$run/micro"
  step emulator-throughput $bench emulator-throughput --seconds 3 --warmup 0.5 $out
  step rate $bench rate --quick $out
  step rate-two-clients $bench rate-two-clients --quick $out
  step burst $bench burst --quick $out
  step bulk-add $bench bulk-add --quick $out
  step rate-two-processes $bench rate-two-processes --quick $out
  step export $bench export --deals 3000 --strategies auto --id-layout all --cap-seconds 30 $out
  step faults $bench faults --deals 10000 --fault-rate 0.3 --cap-seconds 60 $out
else
  step emulator-throughput $bench emulator-throughput --seconds 10 --concurrency 16 $out
  step rate $bench rate $out
  step rate-two-clients $bench rate-two-clients $out
  step rate-two-processes $bench rate-two-processes $out
  # Without auto-batching 500 calls at the standard plan take (500 - 50) / 2 = 225 s; --auto-batch both adds them.
  step burst $bench burst --auto-batch on $out
  step bulk-add $bench bulk-add $out
  # Every ID layout the emulator seeds (dense, gaps, blocks, adversarial), at both latency scales,
  # then 20,000 rows (inside the free burst: requests and server time per 2,500 rows count there).
  step export-layouts-0.1 $bench export --deals 200000 --strategies auto,chained --id-layout all --latency-scale 0.1 --cap-seconds 90 $out
  step export-layouts-1 $bench export --deals 200000 --strategies auto,chained --id-layout all --latency-scale 1 --cap-seconds 90 $out
  step export-layouts-20k $bench export --deals 20000 --strategies auto,chained --id-layout all --latency-scale 1 $out
  step export $bench export --deals 200000 --strategies auto,auto,auto,offset --cap-seconds 60 $out
  step faults $bench faults --deals 200000 --strategies auto,auto,auto $out
  step micro $micro --inProcess --job short --artifacts "$run/micro"
  step micro-cpu-time $micro --cpu-time --seconds 3
fi

echo "wrote $summary ($failed failed)"
exit $failed
