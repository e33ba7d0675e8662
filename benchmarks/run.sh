#!/bin/sh
# Runs every benchmark of the batch core in one session and prints the ratios:
#   1. `headroom sweep --synthetic MxN --json` (1 and 2 threads) against benchmarks/numpy_sweep.py on the same
#      sizes, alternating, several rounds (the fastest round of each is kept: the machine may be shared);
#   2. the Google Benchmark executable (kernels, tally, threaded sweep, naive scalar loop).
#
# Usage: benchmarks/run.sh [--brief] [--native] [--rounds R]
#   --brief    small sizes and --benchmark_min_time=0.01: well under a minute, for CI
#   --native   build the benchmark executable with -march=native (never the library or the command)
# Environment: BUILD_DIR (default build-bench in the source tree), PYTHON (default /usr/bin/python3).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
python=${PYTHON:-/usr/bin/python3}
brief=0
native=OFF
rounds=3
while [ $# -gt 0 ]; do
  case $1 in
    --brief) brief=1 ;;
    --native) native=ON ;;
    --rounds) rounds=$2; shift ;;
    *) echo "usage: $0 [--brief] [--native] [--rounds R]" >&2; exit 2 ;;
  esac
  shift
done

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHEADROOM_BUILD_BENCHMARKS=ON \
  -DHEADROOM_BUILD_TESTS=OFF -DHEADROOM_BUILD_EXAMPLES=OFF -DHEADROOM_NATIVE=$native >/dev/null
cmake --build "$build" --target headroom_cli headroom_benchmarks -j2 >/dev/null

if [ $brief = 1 ]; then
  sizes="10x100 100x1000"
  bench_args="--benchmark_min_time=0.01 --benchmark_filter=/(10|100)/(100|1000)"
  rounds=1
else
  sizes="100x1000 1000x20000 2000x20000"
  bench_args="--benchmark_min_time=0.5"
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "benchmark executable: -march=native ${native}; library and headroom command: compiler baseline"
for size in $sizes; do
  r=1
  while [ $r -le $rounds ]; do
    "$python" "$root/benchmarks/numpy_sweep.py" --synthetic "$size" >>"$out/numpy-$size.jsonl"
    for t in 1 2; do
      # To a file, not a pipe: a reader starting up at the same time would compete with a sweep of a few ms.
      "$build/headroom" sweep --synthetic "$size" --threads $t --json >"$out/last.json"
      tr -d '\n' <"$out/last.json" >>"$out/cli-$size-$t.jsonl"
      echo >>"$out/cli-$size-$t.jsonl"
    done
    r=$((r + 1))
  done
done

# shellcheck disable=SC2086
"$build/benchmarks/headroom_benchmarks" $bench_args --benchmark_out="$out/bench.json" --benchmark_out_format=json \
  >/dev/null 2>"$out/bench.err" || { cat "$out/bench.err" >&2; exit 1; }

"$python" - "$out" $sizes <<'EOF'
import json, pathlib, statistics, sys

out = pathlib.Path(sys.argv[1])
sizes = sys.argv[2:]

def rates(path, key="pairs_per_second"):
    return [json.loads(line)[key] for line in path.read_text().splitlines() if line.strip()]

print("\n`headroom sweep --json` against NumPy, same session: pairs per second, best and median of the rounds;")
print("wall time, and CPU time (which other load on a shared machine disturbs less; not for 2 threads)")
print(f"{'size':>12} {'':>7} {'numpy':>10} {'1 thread':>10} {'2 threads':>10} {'1t/numpy':>9} {'2t/1t':>6} "
      f"{'numpy cpu':>10} {'1t cpu':>10} {'cpu ratio':>9}")
for size in sizes:
    n, c1, c2 = (rates(out / f) for f in (f"numpy-{size}.jsonl", f"cli-{size}-1.jsonl", f"cli-{size}-2.jsonl"))
    nc, c1c = (rates(out / f, "pairs_per_cpu_second") for f in (f"numpy-{size}.jsonl", f"cli-{size}-1.jsonl"))
    for label, pick in (("best", max), ("median", statistics.median)):
        print(f"{size if label == 'best' else '':>12} {label:>7} {pick(n):10.4g} {pick(c1):10.4g} {pick(c2):10.4g} "
              f"{pick(c1) / pick(n):9.1f} {pick(c2) / pick(c1):6.2f} {pick(nc):10.4g} {pick(c1c):10.4g} "
              f"{pick(c1c) / pick(nc):9.1f}")

bench = json.loads((out / "bench.json").read_text())
ctx = bench["context"]
print(f"\nGoogle Benchmark: {ctx.get('headroom_isa', '?')}; {ctx['num_cpus']} cpus at {ctx['mhz_per_cpu']} MHz, "
      f"load average {' '.join(f'{x:.2f}' for x in ctx.get('load_avg', []))}; pairs per second (CPU time; sweep: real time)")
rows = {}
for b in bench["benchmarks"]:
    if b.get("run_type") == "aggregate":
        continue
    name = b["name"].split("/")[0]
    m, n = int(b["M"]), int(b["N"])
    if "max_threads" in b:  # at most; small sweeps use one thread (the workers counter)
        name += f" {int(b['max_threads'])}t"
    rows.setdefault(name, {})[(m, n)] = b["items_per_second"]
numpy = {}
for size in sizes:
    m, n = (int(x) for x in size.split("x"))
    numpy[(m, n)] = max(rates(out / f"numpy-{size}.jsonl"))
naive = rows.get("naive_scalar", {})
all_sizes = sorted({k for r in rows.values() for k in r})
print(f"{'variant':>24} " + " ".join(f"{f'{m}x{n}':>11}" for m, n in all_sizes))
for name, r in rows.items():
    print(f"{name:>24} " + " ".join(f"{r[s]:11.4g}" if s in r else f"{'-':>11}" for s in all_sizes))
print(f"{'numpy (above)':>24} " + " ".join(f"{numpy[s]:11.4g}" if s in numpy else f"{'-':>11}" for s in all_sizes))
print("\nratios: variant / numpy, variant / naive scalar loop (same size)")
for name, r in rows.items():
    cells = []
    for s in all_sizes:
        a = f"{r[s] / numpy[s]:.1f}" if s in r and s in numpy else "-"
        b = f"{r[s] / naive[s]:.1f}" if s in r and s in naive else "-"
        cells.append(f"{a + ' / ' + b:>11}")
    print(f"{name:>24} " + " ".join(cells))
EOF
