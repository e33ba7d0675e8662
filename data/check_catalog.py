#!/usr/bin/env python3
"""Checks the bundled catalogs before they are committed.

Every entry must name its source and basis, names must be unique ignoring case, and every value must carry its
unit in a spelling that include/headroom/parse.hpp accepts. Run: python3 data/check_catalog.py
"""
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NUM = r"[+]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"

# Unit spellings mirror parse.hpp; a catalog value always spells its unit even where the parser has a default.
UNITS = {
    "voltage": ["V", "mV", "uV", "µV", "Vrms", "mVrms", "uVrms", "Vpk", "mVpk", "Vpp", "mVpp"],
    "current": ["A", "mA", "uA", "Arms", "mArms", "Apk", "mApk"],
    "power": ["W", "mW", "uW"],
    "impedance": ["ohm", "ohms", "Ω", "kohm", "kΩ"],
    "frequency": ["Hz", "kHz"],
    "gain": ["dB"],
}


def has_unit(text, kind):
    m = re.fullmatch(r"\s*(" + NUM + r")\s*(.*?)\s*", text)
    return bool(m) and m.group(2) in UNITS[kind]


def is_sensitivity(text):
    db = r"\s*" + NUM + r"\s*(?:dB SPL|dBSPL|dB)\s*"
    if re.fullmatch(db + r"/\s*(?:mW|V|Vrms)\s*", text):
        return True
    if "@" in text:
        left, right = text.split("@", 1)
        if re.fullmatch(db, left):
            return has_unit(right, "current")
        return has_unit(left, "voltage") and bool(re.fullmatch(db, right))
    return False


def is_power_point(text):
    if "@" not in text:
        return False
    p, z = text.split("@", 1)
    return has_unit(p, "power") and has_unit(z, "impedance")


class Checker:
    def __init__(self):
        self.errors = []

    def fail(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    def common(self, where, e):
        for field in ("name", "source", "basis"):
            if not isinstance(e.get(field), str) or not e[field].strip():
                self.fail(where, f"missing or empty '{field}'")
        if e.get("basis") not in ("spec", "measured"):
            self.fail(where, f"basis must be spec or measured, not {e.get('basis')!r}")

    def unique(self, where, names):
        seen = {}
        for n in names:
            k = n.casefold()
            if k in seen:
                self.fail(where, f"duplicate name (ignoring case): {seen[k]!r} and {n!r}")
            seen[k] = n

    def output_fields(self, where, o):
        checks = {"vmax": "voltage", "imax": "current", "pmax": "power", "zout": "impedance", "noise": "voltage",
                  "source_level": "voltage", "gain": "gain"}
        for field, kind in checks.items():
            if field in o and not has_unit(o[field], kind):
                self.fail(where, f"{field} {o[field]!r} is not a {kind} with its unit")
        for p in o.get("power", []):
            if not is_power_point(p):
                self.fail(where, f"power point {p!r} is not like '1.2W@32ohm'")
        return any(k in o for k in ("vmax", "imax", "pmax", "power"))

    def headphones(self, doc):
        types = {"over-ear dynamic", "over-ear planar", "on-ear", "iem", "earbud"}
        entries = doc.get("headphones", [])
        for i, e in enumerate(entries):
            where = f"headphones[{i}] {e.get('name', '?')}"
            self.common(where, e)
            if e.get("type") not in types:
                self.fail(where, f"type {e.get('type')!r} not one of {sorted(types)}")
            if not has_unit(e.get("impedance", ""), "impedance"):
                self.fail(where, f"impedance {e.get('impedance')!r} needs its unit")
            if not is_sensitivity(e.get("sensitivity", "")):
                self.fail(where, f"sensitivity {e.get('sensitivity')!r} needs its unit")
            if "sensitivity_frequency" in e and not has_unit(e["sensitivity_frequency"], "frequency"):
                self.fail(where, "sensitivity_frequency needs its unit")
            if "rated_power" in e and not has_unit(e["rated_power"], "power"):
                self.fail(where, "rated_power needs its unit")
        self.unique("headphones", [e.get("name", "") for e in entries])
        return len(entries)

    def amplifiers(self, doc):
        kinds = {"desktop", "portable", "dongle", "dap"}
        entries = doc.get("amplifiers", [])
        for i, a in enumerate(entries):
            where = f"amplifiers[{i}] {a.get('name', '?')}"
            self.common(where, a)
            if a.get("kind") not in kinds:
                self.fail(where, f"kind {a.get('kind')!r} not one of {sorted(kinds)}")
            outputs = a.get("outputs", [])
            if not outputs:
                self.fail(where, "no outputs")
            for j, o in enumerate(outputs):
                ow = f"{where} outputs[{j}]"
                if o.get("topology") not in ("single_ended", "balanced"):
                    self.fail(ow, f"topology {o.get('topology')!r}")
                if not o.get("name"):
                    self.fail(ow, "missing name")
                limited = self.output_fields(ow, o)
                for k, g in enumerate(o.get("gains", [])):
                    if not g.get("name"):
                        self.fail(f"{ow} gains[{k}]", "missing name")
                    limited = self.output_fields(f"{ow} gains[{k}]", g) or limited
                if not limited:
                    self.fail(ow, "needs at least one of vmax, imax, pmax or a power point")
                self.unique(f"{ow} gains", [g.get("name", "") for g in o.get("gains", [])])
            self.unique(f"{where} outputs", [o.get("name", "") for o in outputs])
        self.unique("amplifiers", [a.get("name", "") for a in entries])
        return len(entries)


def main():
    c = Checker()
    counts = {}
    for file, fn in (("headphones.json", c.headphones), ("amplifiers.json", c.amplifiers)):
        doc = json.loads((HERE / file).read_text(encoding="utf-8"))
        if doc.get("format") != "headroom-catalog-1":
            c.fail(file, "format must be headroom-catalog-1")
        counts[file] = fn(doc)
    for e in c.errors:
        print(e, file=sys.stderr)
    print(", ".join(f"{f}: {n} entries" for f, n in counts.items()) + f"; {len(c.errors)} problems")
    return 1 if c.errors else 0


if __name__ == "__main__":
    sys.exit(main())
