#!/bin/sh
# Runs every benchmark of the batch engine in one session and prints the ratios:
#   1. `headroom sweep --synthetic MxN --json` (1 and 2 threads) against benchmarks/numpy_sweep.py on the same
#      sizes, alternating, several rounds, each a fresh process (median and best are reported: the machine may be
#      shared); wall and CPU time;
#   2. the threads: `headroom sweep` on 1 and 2 threads at 1000x20000 and 2000x100000, fresh processes;
#   3. the best outputs: `headroom sweep --synthetic 2000x200000 --top 5` on 1 and 2 threads (and the same command
#      of another build, e.g. an earlier engine, with --compare);
#   4. the Google Benchmark executable: per instruction-set path, the statistics beside their bound (the same loop
#      without the mean), the best outputs, double precision, threads, and the naive scalar loop; the sweep across
#      frequency, pruned and at every frequency, with and without EQ, on 1 and 2 threads, on the synthetic catalog
#      with realistic curves and on the bundled catalog;
#   5. benchmarks/numpy_across.py, the NumPy brute force of the sweep across frequency, on the bundled catalog and
#      a synthetic one, for the ratios of step 4.
#
# Usage: benchmarks/run.sh [--brief] [--native] [--rounds R] [--compare PATH/TO/OTHER/headroom]
#   --brief    small sizes, one round, --benchmark_min_time=0.01: well under a minute, for CI
#   --native   build the benchmark executable with -march=native (never the library or the command)
# Environment: BUILD_DIR (default build-bench in the source tree; an existing Release build is reused), PYTHON (default /usr/bin/python3).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
python=${PYTHON:-/usr/bin/python3}
brief=0
native=OFF
rounds=5
compare=
while [ $# -gt 0 ]; do
  case $1 in
    --brief) brief=1 ;;
    --native) native=ON ;;
    --rounds) rounds=$2; shift ;;
    --compare) compare=$2; shift ;;
    *) echo "usage: $0 [--brief] [--native] [--rounds R] [--compare PATH/TO/OTHER/headroom]" >&2; exit 2 ;;
  esac
  shift
done

# An existing build folder (CI passes the Release build its tests ran in) only gains the benchmark executable;
# a new one is configured for the benchmarks alone.
if [ -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -DHEADROOM_BUILD_BENCHMARKS=ON -DHEADROOM_NATIVE=$native >/dev/null
  grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build/CMakeCache.txt" ||
    { echo "$0: $build is not a Release build" >&2; exit 2; }
else
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHEADROOM_BUILD_BENCHMARKS=ON \
    -DHEADROOM_BUILD_TESTS=OFF -DHEADROOM_BUILD_EXAMPLES=OFF -DHEADROOM_NATIVE=$native >/dev/null
fi
# The NumPy brute force across frequency reads the catalog and the curves through the Python module.
cmake --build "$build" --target headroom_cli headroom_benchmarks headroom_python headroom_python_package -j2 >/dev/null

if [ $brief = 1 ]; then
  sizes="10x100 100x1000"
  thread_sizes="100x1000"
  top_size="100x2000"
  bench_args="--benchmark_min_time=0.01 --benchmark_filter=(/(10|100)x(100|1000)$|across<float>/bundled/eq/)"
  across_size="10x200"
  rounds=1
else
  sizes="100x1000 1000x20000 2000x20000"
  thread_sizes="1000x20000 2000x100000"
  top_size="2000x200000"
  bench_args="--benchmark_min_time=0.5"
  across_size="100x2000"
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# One fresh process; its JSON on one line. To a file, not a pipe: a reader starting up at the same time would
# compete with a sweep of a few milliseconds.
sweep() {
  dest=$1
  shift
  "$@" >"$out/last.json"
  tr -d '\n' <"$out/last.json" >>"$dest"
  echo >>"$dest"
}

cpu=$(lscpu | sed -n 's/^Model name: *//p')
echo "machine: $cpu, $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "instruction set: $("$build/headroom" sweep --synthetic 2x2 --json | sed -n 's/.*"simd": "\([a-z0-9]*\)".*/\1/p')" \
  "(the engine selects it at run time; HEADROOM_SIMD forces another); benchmark executable: -march=native ${native}"
for size in $sizes; do
  r=1
  while [ $r -le "$rounds" ]; do
    "$python" "$root/benchmarks/numpy_sweep.py" --synthetic "$size" >>"$out/numpy-$size.jsonl"
    for t in 1 2; do sweep "$out/cli-$size-$t.jsonl" "$build/headroom" sweep --synthetic "$size" --threads $t --json; done
    r=$((r + 1))
  done
done
for size in $thread_sizes; do
  r=1
  while [ $r -le "$rounds" ]; do
    for t in 1 2; do sweep "$out/threads-$size-$t.jsonl" "$build/headroom" sweep --synthetic "$size" --threads $t --json; done
    r=$((r + 1))
  done
done
r=1
while [ $r -le "$rounds" ]; do
  for t in 1 2; do
    sweep "$out/top-new-$t.jsonl" "$build/headroom" sweep --synthetic "$top_size" --top 5 --threads $t --json
    if [ -n "$compare" ]; then sweep "$out/top-old-$t.jsonl" "$compare" sweep --synthetic "$top_size" --top 5 --threads $t --json; fi
  done
  r=$((r + 1))
done

eq_preset="$root/tests/data/autoeq/Sennheiser HD 600 ParametricEQ.txt"
for catalog in bundled "$across_size"; do
  if [ "$catalog" = bundled ]; then which="--catalog bundled"; else which="--synthetic $catalog"; fi
  # shellcheck disable=SC2086
  PYTHONPATH="$build/python" "$python" "$root/benchmarks/numpy_across.py" $which >"$out/numpy-across-$catalog-none.json"
  # shellcheck disable=SC2086
  PYTHONPATH="$build/python" "$python" "$root/benchmarks/numpy_across.py" $which --eq "$eq_preset" >"$out/numpy-across-$catalog-preset.json"
done

# shellcheck disable=SC2086
"$build/benchmarks/headroom_benchmarks" $bench_args --benchmark_out="$out/bench.json" --benchmark_out_format=json \
  >/dev/null 2>"$out/bench.err" || { cat "$out/bench.err" >&2; exit 1; }

"$python" - "$out" "$sizes" "$thread_sizes" "$top_size" "$compare" "$across_size" <<'EOF'
import json, pathlib, statistics, sys

out = pathlib.Path(sys.argv[1])
sizes, thread_sizes, top_size, compare, across_size = sys.argv[2].split(), sys.argv[3].split(), sys.argv[4], sys.argv[5], sys.argv[6]

def load(name):
    path = out / name
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

def col(rows, key):
    return [r[key] for r in rows]

med = statistics.median

print("\n`headroom sweep --json` against NumPy (fresh processes, rounds alternating): pairs per second, median and best;")
print("wall time and CPU time (CPU: other load on a shared machine disturbs it less)")
print(f"{'size':>12} {'':>6} {'numpy':>9} {'1 thread':>9} {'2 threads':>9} {'1t/numpy':>8} {'2t/1t':>6} "
      f"{'numpy cpu':>9} {'1t cpu':>9} {'cpu ratio':>9}")
for size in sizes:
    n, c1, c2 = load(f"numpy-{size}.jsonl"), load(f"cli-{size}-1.jsonl"), load(f"cli-{size}-2.jsonl")
    for label, pick in (("median", med), ("best", max)):
        nw, w1, w2 = pick(col(n, "pairs_per_second")), pick(col(c1, "pairs_per_second")), pick(col(c2, "pairs_per_second"))
        nc, cc = pick(col(n, "pairs_per_cpu_second")), pick(col(c1, "pairs_per_cpu_second"))
        print(f"{size if label == 'median' else '':>12} {label:>6} {nw:9.3g} {w1:9.3g} {w2:9.3g} {w1 / nw:8.1f} {w2 / w1:6.2f} "
              f"{nc:9.3g} {cc:9.3g} {cc / nc:9.1f}")

print("\nthreads: `headroom sweep` seconds (wall), median of the fresh processes, and the speed-up of 2 threads")
for size in thread_sizes:
    t1, t2 = load(f"threads-{size}-1.jsonl"), load(f"threads-{size}-2.jsonl")
    s1, s2 = med(col(t1, "seconds")), med(col(t2, "seconds"))
    print(f"{size:>12}  1 thread {s1 * 1e3:8.2f} ms  2 threads {s2 * 1e3:8.2f} ms ({t2[0]['threads']} used)  "
          f"2t / 1t {s1 / s2:5.2f}  (CPU {med(col(t1, 'cpu_seconds')) * 1e3:.2f} ms, {med(col(t2, 'cpu_seconds')) * 1e3:.2f} ms)")

print(f"\nthe five best outputs per headphone: `headroom sweep --synthetic {top_size} --top 5 --json`, seconds of the sweep")
for who in ("new", "old") if compare else ("new",):
    for t in (1, 2):
        rows = load(f"top-{who}-{t}.jsonl")
        s = med(col(rows, "seconds"))
        pairs = rows[0]["pairs"]
        label = "this build" if who == "new" else compare
        print(f"  {label}, {t} thread{'s' if t > 1 else ''}: {s * 1e3:8.1f} ms median ({pairs / s:.3g} pairs/s), "
              f"CPU {med(col(rows, 'cpu_seconds')) * 1e3:.1f} ms")

bench = json.loads((out / "bench.json").read_text())
ctx = bench["context"]
print(f"\nGoogle Benchmark: paths {ctx.get('headroom_paths', '?')}; {ctx.get('headroom_benchmark_flags', '')}; "
      f"{ctx['num_cpus']} cpus at {ctx['mhz_per_cpu']} MHz, load average {' '.join(f'{x:.2f}' for x in ctx.get('load_avg', []))}")
print("pairs per second of CPU time (the calling thread's) and of real time; ratios in CPU time, `threads` in real time")
numpy = {}
for size in sizes:
    numpy[size] = med(col(load(f"numpy-{size}.jsonl"), "pairs_per_second"))
rows = {}
for b in bench["benchmarks"]:
    if b.get("run_type") == "aggregate":
        continue
    parts = b["name"].split("/")
    rows[tuple(parts)] = b
print(f"{'benchmark':>40} {'pairs/s':>10} {'real':>10} {'/ bound':>8} {'/ numpy':>8}")
across = {key: b for key, b in rows.items() if key[0].startswith("across")}
for key, b in rows.items():
    if key in across:
        continue
    name = "/".join(key)
    size = key[-1]
    unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b.get("time_unit", "ns")]
    pairs = b["M"] * b["N"]
    rate = pairs / (b["cpu_time"] * unit)  # per second of CPU time (of the calling thread)
    real = pairs / (b["real_time"] * unit)
    ratio_bound = ratio_numpy = ""
    if key[0].startswith("threads"):
        rate = real
    if key[0].startswith("stats"):
        bound = rows.get(("bound" + key[0][len("stats"):],) + key[1:])
        if bound:
            ratio_bound = f"{rate / (pairs / (bound['cpu_time'] * unit)):.2f}"
    if size in numpy and not key[0].startswith("naive"):
        ratio_numpy = f"{rate / numpy[size]:.1f}"
    print(f"{name:>40} {rate:10.3g} {real:10.3g} {ratio_bound:>8} {ratio_numpy:>8}")

# The loop's own rate is the slope between two sizes (the fixed costs cancel); a sweep reaches it less its setup.
for path in ("avx512", "avx2", "baseline"):
    a, b = rows.get(("stats<float>", path, "1000x20000")), rows.get(("stats<float>", path, "2000x20000"))
    if a and b:
        unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[a.get("time_unit", "ns")]
        slope = (b["cpu_time"] - a["cpu_time"]) * unit / (b["M"] * b["N"] - a["M"] * a["N"])
        if slope > 0:
            print(f"stats<float>/{path}: the loop's rate (slope 1000->2000 x 20000) {1 / slope:.3g} pairs/s; "
                  f"the whole sweep at 1000x20000 reaches {a['M'] * a['N'] * slope / (a['cpu_time'] * unit):.2f} of it")

if across:
    def numpy_rate(catalog, eq):
        path = out / f"numpy-across-{catalog}-{eq}.json"
        return json.loads(path.read_text())["pair_frequencies_per_second"] if path.exists() else None
    np_rates = {(c, e): numpy_rate("bundled" if c == "bundled" else across_size, e) for c in ("bundled", "synthetic")
                for e in ("none", "preset")}
    print("\nacross frequency: pair-frequencies (outputs x headphones x frequencies) per second of real time and of the")
    print("calling thread's CPU time; `evaluated` is the share the pruned engine evaluates; NumPy: numpy_across.py, the")
    print(f"brute force of the same physics (bundled catalog, and a synthetic {across_size} catalog of the same curve shapes)")
    print(f"{'benchmark':>58} {'real':>10} {'cpu':>10} {'evaluated':>9} {'/ every':>8} {'/ numpy':>8}")
    for key, b in across.items():
        unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b.get("time_unit", "ns")]
        items = b["M"] * b["N"] * b["F"]
        real, cpu = items / (b["real_time"] * unit), items / (b["cpu_time"] * unit)
        every = across.get(tuple("every" if k == "pruned" else k for k in key))
        ratio_every = f"{real / (items / (every['real_time'] * unit)):.1f}" if every and every is not b else ""
        np_rate = np_rates.get((key[1], "none" if key[2] == "no_eq" else "preset"))
        ratio_numpy = f"{real / np_rate:.0f}" if np_rate else ""
        print(f"{'/'.join(key):>58} {real:10.3g} {cpu:10.3g} {b['evaluated']:9.4f} {ratio_every:>8} {ratio_numpy:>8}")
    for (c, e), r in np_rates.items():
        if r:
            print(f"{'numpy_across.py ' + c + (' eq' if e == 'preset' else ' no_eq'):>58} {r:10.3g}")
EOF
