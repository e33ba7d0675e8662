"""The wheel, as a user without network access makes it: the sources copied to a temporary folder, the wheel built
there offline with Debian's setuptools (pip wheel --no-build-isolation --no-index), installed into a --target folder,
then imported from there with a smoke test and the whole test suite (python/tests) run against it.

    python3 python/check_wheel.py [--keep] [--build-dir BUILD]

By default setuptools configures and compiles the module from the copied sources (a few minutes on two cores);
--build-dir packages the module of an existing, configured build of this project instead (setup.py's
HEADROOM_CMAKE_BUILD_DIR), which is how ctest runs it, as python.wheel (label "wheel"), without compiling everything
twice. HEADROOM_CLI, when set, lets the suite compare with the command.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1]
# What the module's build reads (the test suite is run from the source tree, not copied).
PARTS = ["CMakeLists.txt", "cmake", "include", "src", "python", "data", "pyproject.toml", "setup.py", "README.md", "LICENSE"]

SMOKE = """
import json, pathlib, sys
import headroom
site = pathlib.Path(sys.argv[1]).resolve()
package = pathlib.Path(headroom.__file__).resolve().parent
assert package.parent == site, f"imported from {package}, not from the installed wheel in {site}"
assert (package / "py.typed").is_file() and (package / "_core.pyi").is_file()
assert (package / "data" / "headphones.json").is_file(), "the catalog travels with the package"
cat = headroom.catalog()
assert pathlib.Path(cat.headphones_file).resolve().parent == package / "data"
r = headroom.analyse(cat.amplifier("Schiit Magni 2").outputs[0].settings[0], "Sennheiser HD600", target=85, crest=18)
assert r.limit in ("voltage", "current", "power", "thermal", "gain") and r.headroom_db > 0
print(f"headroom {headroom.__version__} from {package}: {len(cat.headphones)} headphones, {len(cat.amplifiers)} amplifiers;"
      f" Magni 2 + HD600: {r.max_spl_db:.1f} dB SPL max, {r.headroom_db:+.1f} dB headroom ({r.headroom_limit})")
"""


def run(args: list[str], **kw) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run(args, check=True, **kw)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--build-dir", type=Path, help="package the module of this configured build of the project")
    options = parser.parse_args()
    start = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="headroom-wheel-"))
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_ROOT_USER_ACTION="ignore", PIP_NO_INPUT="1")
    env.pop("PYTHONPATH", None)  # the build tree's module must not stand in for the wheel's
    env.pop("HEADROOM_CMAKE_BUILD_DIR", None)
    if options.build_dir:
        env["HEADROOM_CMAKE_BUILD_DIR"] = str(options.build_dir.resolve())
    try:
        src = work / "src"
        src.mkdir()
        for part in PARTS:
            (shutil.copytree if (SOURCE / part).is_dir() else shutil.copy2)(SOURCE / part, src / part)
        shutil.rmtree(src / "python" / "tests", ignore_errors=True)
        python = sys.executable
        run([python, "-m", "pip", "wheel", "--no-build-isolation", "--no-index", "--no-deps", "-w", str(work / "dist"), str(src)], env=env)
        wheels = list((work / "dist").glob("headroom-*.whl"))
        assert len(wheels) == 1, wheels
        run([python, "-m", "pip", "install", "--no-index", "--no-deps", "--target", str(work / "site"), str(wheels[0])], env=env)
        test_env = dict(env, PYTHONPATH=str(work / "site"), PYTHONDONTWRITEBYTECODE="1")
        run([python, "-c", SMOKE, str(work / "site")], env=test_env, cwd=work)
        run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(SOURCE / "python" / "tests")], env=test_env, cwd=work)
        print(f"wheel {wheels[0].name}: built, installed and tested in {time.monotonic() - start:.0f} s")
        return 0
    finally:
        if options.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
