#!/usr/bin/python3
"""Is the balanced output quieter at the listener? The table in docs/iem.md, computed from the bundled catalog.

For every catalog device with a noise figure (stated or derived from an SNR) for every setting of both a single-ended
and a balanced output, the hiss each output makes in a 16 ohm, 120 dB SPL/V IEM, at the setting `headroom pair`
advises for music at 75 dB SPL with 18 dB peaks, and whether a person hears it (docs/physics.md section 11).

Run: /usr/bin/python3 docs/scripts/balanced_hiss.py [path/to/headroom]   (default: build/headroom)
It prints a Markdown table; docs/iem.md holds its output between the markers below.
     /usr/bin/python3 docs/scripts/balanced_hiss.py --check docs/iem.md [path/to/headroom]
exits 1, with the table it computes, when the page's table is not the one the catalog gives today (a ctest runs this).
"""
import json
import subprocess
import sys
from pathlib import Path

IEM = ["--impedance", "16", "--sensitivity", "120dB/V"]
PROGRAMME = ["--target", "75", "--crest", "18"]


def run(headroom, *args):
    out = subprocess.run([headroom, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def settings(output):
    """The figures of each setting of a catalog output, as `catalog amps --json` writes them."""
    return [g["computed"] for g in output["gains"]] if "gains" in output else [output["computed"]]


def noise_known(output):
    return all(s["noise_vrms"] is not None for s in settings(output))


BEGIN = "<!-- balanced_hiss.py: begin -->"
END = "<!-- balanced_hiss.py: end -->"


def table(headroom):
    amps = run(headroom, "catalog", "amps", "--json")["amplifiers"]
    rows = []
    for a in amps:
        se = [o for o in a["outputs"] if o["topology"] == "single_ended" and noise_known(o)]
        bal = [o for o in a["outputs"] if o["topology"] == "balanced" and noise_known(o)]
        if not se or not bal:
            continue
        c = run(headroom, "pair", *IEM, "--amp", a["name"], *PROGRAMME, "--json")
        advised = {o["output"]: o for o in c["outputs"] if o["recommended_gain"]}

        def cell(outputs):
            best = min((advised[o["name"]] for o in outputs), key=lambda o: o["hiss_spl_db_max"])
            setting = f" ({best['gain_setting']})" if best["gain_setting"] else ""
            basis = ", derived" if best["hiss_noise_basis"] == "derived" else ""
            return best, (f"{best['output']}{setting}: {best['hiss_spl_db_max']:.1f} dB SPL, "
                          f"{best['hiss_audibility'].replace('_', ' ')}{basis}")

        s, s_text = cell(se)
        b, b_text = cell(bal)
        diff = b["hiss_spl_db_max"] - s["hiss_spl_db_max"]
        verdict = "yes" if diff < -0.05 else ("no" if diff > 0.05 else "the same")
        rows.append((a["name"], s_text, b_text, f"{diff:+.1f} dB", verdict))
    lines = ["| device | single-ended (advised setting) | balanced (advised setting) | balanced - SE | balanced quieter? |",
             "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    lines += ["", f"{len(rows)} devices with noise known for both outputs; a 16 ohm, 120 dB SPL/V IEM; music at 75 dB SPL "
              "with 18 dB peaks (the advised setting is the quietest with enough headroom)."]
    return "\n".join(lines) + "\n"


def main(argv):
    check = None
    if argv[:1] == ["--check"]:
        check, argv = Path(argv[1]), argv[2:]
    headroom = argv[0] if argv else str(Path(__file__).resolve().parents[2] / "build" / "headroom")
    computed = table(headroom)
    if check is None:
        print(computed, end="")
        return 0
    page = check.read_text(encoding="utf-8")
    if BEGIN not in page or END not in page:
        print(f"{check}: no table between {BEGIN} and {END}", file=sys.stderr)
        return 1
    held = page.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n") + "\n"
    if held != computed:
        print(f"{check}: the table is not the one the catalog gives; today's:\n{computed}", file=sys.stderr)
        return 1
    print(f"{check}: the table is current ({computed.count(chr(10)) - 4} devices)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
