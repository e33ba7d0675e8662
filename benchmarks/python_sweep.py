#!/usr/bin/python3
"""headroom.sweep from Python against `headroom sweep` on the command line, in one run: the same synthetic catalog
(headroom.synthetic is the command's --synthetic), the same settings, alternating rounds so that both meet the same
load on a shared machine. Prints each round, then the best of each and their ratio (Python / command line) with the
median of the rounds' ratios, and the peak memory of this process (ru_maxrss) before and after the Python sweeps,
beside what a float grid of every pair would take.

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/python_sweep.py --cli build/headroom [--size 2000x200000]

Pairs per second: the command's own figure (pairs over the engine's time), and for Python pairs over the wall time
of the whole headroom.sweep() call (conversion of the columns, the engine, the result's arrays), so the ratio
charges Python with everything it adds. docs/python.md records the figures.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import headroom as hr


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def run_command(command: list[str]) -> dict:
    """The command's JSON without its "top" list (a million entries at 2000x200000, written last): only the head is
    read and parsed, so that this process's memory stays the sweep's."""
    with tempfile.TemporaryFile() as out:
        subprocess.run(command, stdout=out, check=True)
        out.seek(0)
        head = out.read(1 << 16).decode()
    cut = head.find(',\n  "top": [')
    return json.loads(head if cut < 0 else head[:cut] + "\n}")


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default="build/headroom", help="the headroom command (default build/headroom)")
    parser.add_argument("--size", default="2000x200000", help="MxN output stages x headphones (default 2000x200000)")
    parser.add_argument("--top", type=int, default=5, help="best outputs kept per headphone (default 5)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of each (default 5)")
    parser.add_argument("--threads", type=int, default=None, help="threads for both (default: all cores)")
    parser.add_argument("--precision", default="float", choices=("float", "double"))
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    a = parser.parse_args()
    m, n = (int(x) for x in a.size.lower().split("x"))

    command = [a.cli, "sweep", "--synthetic", a.size, "--seed", str(a.seed), "--top", str(a.top), "--precision", a.precision, "--json"]
    if a.threads:
        command += ["--threads", str(a.threads)]

    outputs, headphones = hr.synthetic(m, n, a.seed)
    rss_before = maxrss_mib()
    rounds = []
    reference = None
    for k in range(a.rounds):
        cli = run_command(command)
        start = time.perf_counter()
        r = hr.sweep(outputs, headphones, top=a.top, threads=a.threads, precision=a.precision)
        wall = time.perf_counter() - start
        stats = {key: cli[key] for key in ("headroom_db", "above_threshold", "binding")}
        same = {key: r[key] for key in stats} == stats
        reference = reference or same
        rounds.append({"cli_pairs_per_second": cli["pairs_per_second"], "python_pairs_per_second": r.pairs / wall,
                       "python_engine_pairs_per_second": r.pairs_per_second, "python_wall_seconds": wall,
                       "cli_seconds": cli["seconds"], "threads": r.threads, "simd": r.simd, "same_statistics": same})
        if not a.json:
            x = rounds[-1]
            print(f"round {k + 1}: command {x['cli_pairs_per_second']:.3e} pairs/s, Python {x['python_pairs_per_second']:.3e} pairs/s "
                  f"(engine alone {x['python_engine_pairs_per_second']:.3e}), ratio {x['python_pairs_per_second'] / x['cli_pairs_per_second']:.3f}"
                  f"{'' if same else ', STATISTICS DIFFER'}", flush=True)
    rss_after = maxrss_mib()

    best_cli = max(x["cli_pairs_per_second"] for x in rounds)
    best_py = max(x["python_pairs_per_second"] for x in rounds)
    grid_mib = m * n * 4 / 2**20
    summary = {
        "cpu": cpu_model(), "size": a.size, "top": a.top, "precision": a.precision, "threads": rounds[-1]["threads"],
        "simd": rounds[-1]["simd"], "rounds": rounds, "best_cli_pairs_per_second": best_cli,
        "best_python_pairs_per_second": best_py, "ratio": best_py / best_cli,
        "median_round_ratio": statistics.median(x["python_pairs_per_second"] / x["cli_pairs_per_second"] for x in rounds),
        "maxrss_before_mib": rss_before, "maxrss_after_mib": rss_after, "float_grid_mib": grid_mib,
        "same_statistics": all(x["same_statistics"] for x in rounds),
    }
    if a.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"{a.size} pairs, top {a.top}, {a.precision}, {summary['threads']} threads, {summary['simd']}, on {summary['cpu']}")
        print(f"best: command {best_cli:.3e} pairs/s, Python {best_py:.3e} pairs/s: ratio {summary['ratio']:.3f} "
              f"(median of the rounds' ratios {summary['median_round_ratio']:.3f})")
        print(f"peak memory (ru_maxrss) {rss_before:.0f} MiB before the Python sweeps, {rss_after:.0f} MiB after "
              f"(+{rss_after - rss_before:.0f} MiB); a float grid of every pair would be {grid_mib:.0f} MiB")
        print("statistics equal to the command's: " + ("yes" if summary["same_statistics"] else "NO"))
    return 0 if summary["same_statistics"] else 1


if __name__ == "__main__":
    sys.exit(main())
