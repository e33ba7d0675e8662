"""A thousand random pairs: headroom.analyse and `headroom pair --json` agree on every key to 1e-12 relative. The
gear is drawn over the ranges real gear covers, with every kind of limit, supply sag, source and gain, noise, a
rated power, bridged and balanced outputs, and programmes from a sine to 20 dB of crest factor."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import headroom as hr
from conftest import assert_same

PAIRS = 1000


def random_case(rng: random.Random) -> tuple[list[str], dict, dict, dict]:
    """(flags for the command, OutputStage kwargs, Headphone args, programme kwargs); numbers are passed to both as
    the same decimal text or float (repr round-trips), so both start from the same doubles."""
    flags: list[str] = []
    out: dict = {}

    def number(flag: str, key: str, value: float) -> None:
        flags.extend([flag, repr(value)])
        out[key] = value

    limits = rng.sample(["vmax", "imax", "pmax", "power", "thermal_power"], rng.randint(1, 4))
    if "vmax" in limits:
        number("--vmax", "vmax", rng.uniform(0.3, 25.0))
        if rng.random() < 0.3:
            zout = rng.uniform(0.0, 5.0)
            number("--zout", "zout", zout)
            number("--source-resistance", "source_resistance", zout + rng.uniform(0.0, 10.0))
    if "imax" in limits:
        number("--imax", "imax", rng.uniform(0.01, 1.5))
    if "pmax" in limits:
        number("--pmax", "pmax", rng.uniform(0.01, 8.0))
    if "power" in limits:
        loads = sorted(rng.sample([16, 32, 50, 64, 150, 300, 600], rng.randint(1, 3)))
        points = [f"{rng.uniform(0.02, 3.0) * 32 / r:.6g}W@{r}ohm" for r in loads]
        for p in points:
            flags.append(f"--power={p}")
        out["power"] = points
    if "thermal_power" in limits:
        number("--thermal-power", "thermal_power", rng.uniform(0.05, 5.0))
    if "zout" not in out and rng.random() < 0.7:
        number("--zout", "zout", rng.uniform(0.0, 15.0))
    if rng.random() < 0.3:
        number("--source", "source", rng.uniform(0.5, 4.0))
        number("--gain", "gain", rng.uniform(-6.0, 20.0))
    if rng.random() < 0.3:
        number("--noise", "noise", rng.uniform(0.5e-6, 20e-6))
    topology = rng.random()
    bridged = False
    if topology < 0.15:
        flags.append("--bridge")
        bridged = True
    elif topology < 0.3:
        flags.append("--balanced")
        out["topology"] = "balanced"

    impedance = 8.0 * (600.0 / 8.0) ** rng.random()
    sensitivity = (f"{rng.uniform(85.0, 112.0):.4f}dB/mW" if rng.random() < 0.5 else f"{rng.uniform(90.0, 125.0):.4f}dB/V")
    flags += ["--impedance", repr(impedance), "--sensitivity", sensitivity]
    hp = {"z": impedance, "s": sensitivity}
    if rng.random() < 0.2:
        rated = rng.uniform(0.01, 2.0)
        flags += ["--rated-power", repr(rated)]
        hp["rated_power"] = rated

    prog: dict = {}
    if rng.random() < 0.85:
        prog["target"] = rng.uniform(70.0, 110.0)
        flags += ["--target", repr(prog["target"])]
        if rng.random() < 0.8:
            prog["crest"] = rng.uniform(3.0103, 20.0)
            flags += ["--crest", repr(prog["crest"])]
    out["_bridged"] = bridged
    return flags, out, hp, prog


def analyse(out: dict, hp: dict, prog: dict) -> dict:
    kwargs = {k: v for k, v in out.items() if k != "_bridged"}
    stage = hr.OutputStage(**kwargs)
    if out["_bridged"]:
        stage = stage.bridged()
    headphone = hr.Headphone(hp["z"], hp["s"], rated_power=hp.get("rated_power"))
    return hr.analyse(stage, headphone, **prog).to_dict()


def test_a_thousand_random_pairs_agree_with_the_command(cli):
    rng = random.Random(20261128)
    cases = [random_case(rng) for _ in range(PAIRS)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        expected = list(pool.map(lambda c: cli("pair", *c[0], "--json"), cases))
    kinds: set[str] = set()
    for k, ((flags, out, hp, prog), command) in enumerate(zip(cases, expected)):
        got = analyse(out, hp, prog)
        assert_same(got, command, f"pair {k} ({' '.join(flags)})", rel=1e-12)
        kinds.add(got["limit"])
    # The draw reaches every limit a sine can meet.
    assert {"voltage", "current", "power", "thermal"} <= kinds, kinds

