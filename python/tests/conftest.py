"""Shared fixtures: the headroom command (its JSON is the reference) and a deep comparison of JSON figures.

Run from the build tree as ctest does: PYTHONPATH=build/python HEADROOM_CLI=build/headroom python3 -m pytest python/tests
Without HEADROOM_CLI the comparisons with the command line are skipped, and the rest runs.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

SOURCE_DIR = Path(__file__).resolve().parents[2]
AUTOEQ_DIR = SOURCE_DIR / "tests" / "data" / "autoeq"
CURVES_DIR = SOURCE_DIR / "data" / "curves"


@pytest.fixture(scope="session")
def cli() -> Callable[..., Any]:
    """Runs the headroom command with the given arguments and returns its parsed JSON output."""
    path = os.environ.get("HEADROOM_CLI")
    if not path:
        pytest.skip("HEADROOM_CLI is not set: no command to compare with")

    def run(*args: str) -> Any:
        done = subprocess.run([path, *args], capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"headroom {' '.join(args)} failed: {done.stderr}"
        return json.loads(done.stdout)

    return run


def assert_same(python: Any, command: Any, where: str = "", rel: float = 1e-9) -> None:
    """The same document: the same keys, the same strings, booleans and nulls, numbers within `rel` relative."""
    if isinstance(command, dict):
        assert isinstance(python, dict), f"{where}: {python!r} is not an object"
        assert set(python) == set(command), f"{where}: keys differ: {sorted(set(python) ^ set(command))}"
        for key in command:
            assert_same(python[key], command[key], f"{where}.{key}", rel)
    elif isinstance(command, list):
        assert isinstance(python, list) and len(python) == len(command), f"{where}: {python!r} vs {command!r}"
        for k, (p, c) in enumerate(zip(python, command)):
            assert_same(p, c, f"{where}[{k}]", rel)
    elif isinstance(command, bool) or command is None or isinstance(command, str):
        assert python == command, f"{where}: {python!r} != {command!r}"
    else:
        assert isinstance(python, (int, float)) and not isinstance(python, bool), f"{where}: {python!r} is not a number"
        assert math.isclose(python, command, rel_tol=rel, abs_tol=1e-300), f"{where}: {python!r} != {command!r}"
