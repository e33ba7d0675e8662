"""The wheel's compiled part: setuptools runs this project's CMake build (the headroom_python target and its
install component "python": the module and a copy of the catalog) and places the result in the package.
pyproject.toml holds the metadata; the version is include/headroom/version.hpp's, the one source of truth."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def version() -> str:
    text = (ROOT / "include" / "headroom" / "version.hpp").read_text()
    return re.search(r'HEADROOM_VERSION_STRING "([0-9.]+)"', text).group(1)


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        temp = Path(self.build_temp).resolve()
        build, stage = temp / "cmake", temp / "stage"
        # HEADROOM_CMAKE_BUILD_DIR: an existing, configured build of this project whose module to package (the test
        # suite's wheel check reuses the build it runs in rather than compiling everything a second time).
        existing = os.environ.get("HEADROOM_CMAKE_BUILD_DIR")
        if existing:
            build = Path(existing).resolve()
        else:
            configure = [
                "cmake", "-S", str(ROOT), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
                f"-DPython_EXECUTABLE={sys.executable}", "-DHEADROOM_BUILD_PYTHON=ON", "-DHEADROOM_BUILD_CLI=OFF",
                "-DHEADROOM_BUILD_TESTS=OFF", "-DHEADROOM_BUILD_EXAMPLES=OFF", "-DHEADROOM_INSTALL=ON",
            ]
            if shutil.which("ninja"):
                configure += ["-G", "Ninja"]
            subprocess.run(configure, check=True)
        # One compiler per core (Ninja's default is two more), or CMAKE_BUILD_PARALLEL_LEVEL.
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
        subprocess.run(["cmake", "--build", str(build), "--target", "headroom_python", "--parallel", jobs], check=True)
        if stage.exists():
            shutil.rmtree(stage)
        subprocess.run(["cmake", "--install", str(build), "--component", "python", "--prefix", str(stage)], check=True)
        package = next(stage.rglob("headroom/_core*")).parent  # under the prefix's site-packages
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(next(package.glob("_core*")), target)
        data = target.parent / "data"
        if data.exists():
            shutil.rmtree(data)
        shutil.copytree(package / "data", data)


setup(
    version=version(),
    ext_modules=[Extension("headroom._core", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    options={"build": {"build_base": "build-wheel"}},
)
