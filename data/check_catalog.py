#!/usr/bin/python3
"""Checks the bundled catalog and reports its coverage.

Run: /usr/bin/python3 data/check_catalog.py [--strict-coverage]

Checks (any failure exits 1):
  - the three files (headphones, amplifiers, attenuators) validate against data/schema/*.schema.json (Debian's
    python3-jsonschema);
  - names are unique ignoring case (within a file, an amplifier's outputs, an output's gain settings);
  - every entry names a primary source: "own" figures and aggregator-only sources are not allowed in the bundled
    catalog (an aggregator may appear as secondary_source);
  - every impedance curve file exists;
  - every headphone whose spec and measured entries disagree by more than 3 dB in S_V (dB SPL for 1 Vrms, each at
    its own impedance) is explained in SOURCES.md's "Spec and measurement disagree" section.

Reports: counts by kind, the share of outputs stating an output impedance and a noise figure, curves, connectors,
and the disagreements. --strict-coverage also fails when the coverage targets are not met.
"""
import json
import math
import re
import sys
from pathlib import Path

import jsonschema

HERE = Path(__file__).resolve().parent
# Aggregators, transcribers and retailers: a secondary_source at most, never the source (SOURCES.md, "The sourcing rule").
AGGREGATORS = re.compile(r"Sound-Library|e-katalog|e-catalog|hifinder|spuriae|audiocalcs|frieve|dap-database|amazon\.|aliexpress|"
                         r"linsoul|hifigo|jaben", re.I)
NUM = r"[+]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
TARGETS = {  # coverage the catalog aims for
    "headphones": 250, "iems": 60, "planars": 40, "amplifiers": 100,
    "zout_share": 0.65, "noise_share": 0.30, "curves": 20,
}


def schema_validator(kind):
    store = {}
    for p in (HERE / "schema").glob("*.schema.json"):
        s = json.loads(p.read_text(encoding="utf-8"))
        store[s["$id"]] = s
    schema = store[f"https://headroom.invalid/schema/{kind}.schema.json"]
    return jsonschema.Draft202012Validator(schema, resolver=jsonschema.RefResolver.from_schema(schema, store=store))


def quantity(text, units):
    m = re.fullmatch(r"\s*(" + NUM + r")\s*(\w+)\s*", text)
    if not m or m.group(2) not in units:
        return None
    return float(m.group(1)) * units[m.group(2)]


OHMS = {"ohm": 1.0, "ohms": 1.0, "kohm": 1e3}
VOLTS = {"V": 1.0, "mV": 1e-3, "uV": 1e-6, "Vrms": 1.0, "mVrms": 1e-3}
AMPS = {"A": 1.0, "mA": 1e-3, "uA": 1e-6}


def s_v(sensitivity, z):
    """dB SPL for 1 Vrms at impedance z, for the canonical spellings the bundled catalog uses (parse.hpp reads more)."""
    t = sensitivity.replace("dB SPL", "dB").replace("dBSPL", "dB").replace(" ", "")
    if m := re.fullmatch(r"(" + NUM + r")dB/mW", t):
        return float(m.group(1)) + 10 * math.log10(1000.0 / z)
    if m := re.fullmatch(r"(" + NUM + r")dB/V(?:rms)?", t):
        return float(m.group(1))
    if m := re.fullmatch(r"(" + NUM + r")dB@(.+)", t):
        i = quantity(m.group(2), AMPS)
        return None if i is None else float(m.group(1)) - 20 * math.log10(i * z)
    if m := re.fullmatch(r"(.+)@(" + NUM + r")dB", t):
        v = quantity(m.group(1), VOLTS)
        return None if v is None else float(m.group(2)) - 20 * math.log10(v)
    return None


def base_name(name):
    """'Sennheiser HD600 (measured)' and 'HiFiMan Sundara (HFN measured)' belong to 'Sennheiser HD600', ..."""
    return re.sub(r"\s*\([^)]*measured[^)]*\)\s*$", "", name, flags=re.I).strip().casefold()


class Checker:
    def __init__(self):
        self.errors = []

    def fail(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    def unique(self, where, names):
        seen = {}
        for n in names:
            k = n.casefold()
            if k in seen:
                self.fail(where, f"duplicate name (ignoring case): {seen[k]!r} and {n!r}")
            seen[k] = n

    def schema(self, file, doc, kind):
        for e in sorted(schema_validator(kind).iter_errors(doc), key=lambda e: list(map(str, e.path))):
            self.fail(f"{file} {'/'.join(map(str, e.path))}", e.message[:300])

    def provenance(self, where, e):
        if e.get("basis") == "own":
            self.fail(where, "the bundled catalog names its sources: basis 'own' is for personal catalogs")
        if AGGREGATORS.search(e.get("source", "")):
            self.fail(where, f"source {e.get('source')!r} is an aggregator: cite the primary source, keep this as secondary_source")


def main(argv):
    c = Checker()
    hp_doc = json.loads((HERE / "headphones.json").read_text(encoding="utf-8"))
    amp_doc = json.loads((HERE / "amplifiers.json").read_text(encoding="utf-8"))
    c.schema("headphones.json", hp_doc, "headphones")
    c.schema("amplifiers.json", amp_doc, "amplifiers")
    headphones = hp_doc.get("headphones", [])
    amplifiers = amp_doc.get("amplifiers", [])
    # Attenuators and adapters: the same schema and sourcing rules.
    att_doc = json.loads((HERE / "attenuators.json").read_text(encoding="utf-8"))
    c.schema("attenuators.json", att_doc, "attenuators")
    attenuators = att_doc.get("attenuators", [])
    c.unique("attenuators", [a.get("name", "") for a in attenuators])
    for a in attenuators:
        c.provenance(f"attenuator {a.get('name')!r}", a)

    c.unique("headphones", [h.get("name", "") for h in headphones])
    c.unique("amplifiers", [a.get("name", "") for a in amplifiers])
    curves = 0
    for h in headphones:
        where = f"headphone {h.get('name')!r}"
        c.provenance(where, h)
        if "impedance_curve" in h:
            curves += 1
            if not (HERE / h["impedance_curve"]).is_file():
                c.fail(where, f"impedance_curve {h['impedance_curve']!r} does not exist")
        elif "driver" in h:
            curves += 1
    outputs = zout = noise = 0
    connectors = {}
    for a in amplifiers:
        where = f"amplifier {a.get('name')!r}"
        c.provenance(where, a)
        c.unique(f"{where} outputs", [o.get("name", "") for o in a.get("outputs", [])])
        for o in a.get("outputs", []):
            outputs += 1
            gains = o.get("gains", [])
            c.unique(f"{where} output {o.get('name')!r} gains", [g.get("name", "") for g in gains])
            zout += "zout" in o or (bool(gains) and all("zout" in g for g in gains))
            # A stated SNR or dynamic range stands in for a noise voltage (docs/physics.md section 9).
            has_noise = lambda x: "noise" in x or "snr" in x  # noqa: E731
            noise += has_noise(o) or (bool(gains) and all(has_noise(g) for g in gains))
            connectors[o.get("connector", "unstated")] = connectors.get(o.get("connector", "unstated"), 0) + 1

    # Spec against measurement, per headphone.
    groups = {}
    for h in headphones:
        z = quantity(h.get("impedance", ""), OHMS)
        v = s_v(h.get("sensitivity", ""), z) if z else None
        if v is not None:
            groups.setdefault(base_name(h["name"]), []).append((h["name"], h["basis"], v))
    sources_md = (HERE / "SOURCES.md").read_text(encoding="utf-8")
    section = sources_md.split("## Spec and measurement disagree", 1)[1] if "## Spec and measurement disagree" in sources_md else ""
    disagreements = []
    for entries in groups.values():
        specs = [e for e in entries if e[1] == "spec"]
        measured = [e for e in entries if e[1] == "measured"]
        for s in specs:
            for m in measured:
                if abs(s[2] - m[2]) > 3.0:
                    disagreements.append((s, m))
                    if s[0] not in section:
                        c.fail(f"headphone {s[0]!r}", f"S_V {s[2]:.1f} dB/V disagrees with {m[0]!r} ({m[2]:.1f} dB/V) by more than "
                               "3 dB: explain it under 'Spec and measurement disagree' in SOURCES.md")

    kinds = {}
    for h in headphones:
        kinds[h.get("type")] = kinds.get(h.get("type"), 0) + 1
    amp_kinds = {}
    for a in amplifiers:
        amp_kinds[a.get("kind")] = amp_kinds.get(a.get("kind"), 0) + 1
    have = {
        "headphones": len(headphones), "iems": kinds.get("iem", 0), "planars": kinds.get("over-ear planar", 0),
        "amplifiers": len(amplifiers), "zout_share": zout / outputs if outputs else 0.0,
        "noise_share": noise / outputs if outputs else 0.0, "curves": curves,
    }
    print("Coverage                       have    target")
    short = []
    for key, target in TARGETS.items():
        value = have[key]
        shown = f"{value:.0%}" if isinstance(target, float) else str(value)
        goal = f"{target:.0%}" if isinstance(target, float) else str(target)
        met = value >= target
        if not met:
            short.append(key)
        print(f"  {key:<26} {shown:>7} {goal:>9}  {'met' if met else 'short'}")
    print("Headphones by type: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    print("Amplifiers by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(amp_kinds.items())))
    print(f"Outputs: {outputs}; with Z_out {zout}, with noise {noise}; connectors: "
          + ", ".join(f"{k} {n}" for k, n in sorted(connectors.items())))
    print(f"Spec and measurement disagree by more than 3 dB: {len(disagreements)}")
    for s, m in disagreements:
        print(f"  {s[0]} {s[2]:.1f} dB/V vs {m[0]} {m[2]:.1f} dB/V ({m[2] - s[2]:+.1f} dB)")
    if "--strict-coverage" in argv and short:
        c.fail("coverage", "short of the targets: " + ", ".join(short))
    for e in c.errors:
        print(e, file=sys.stderr)
    print(f"{len(headphones)} headphones, {len(amplifiers)} amplifiers; {len(c.errors)} problems")
    return 1 if c.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
