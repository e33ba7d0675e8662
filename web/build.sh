#!/usr/bin/env bash
# Builds the web page into a folder of static files: web/build.sh [BUILD_DIR] (default build-web; the page lands in
# BUILD_DIR/site). Needs emscripten (.ci/install-web-deps installs it). Open BUILD_DIR/site/index.html, or serve the
# folder: python3 -m http.server -d build-web/site
set -euo pipefail
web="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$web/../build-web}"
jobs="${HEADROOM_WEB_JOBS:-2}"  # the machine's two cores are shared: never more

if ! command -v emcmake >/dev/null || ! command -v em++ >/dev/null; then
  echo "web/build.sh: emscripten is not installed (.ci/install-web-deps installs it)" >&2
  exit 2
fi
# Debian's emscripten runs its JavaScript tools on the machine's node with Debian's acorn (package node-acorn, in
# /usr/share/nodejs); a node from elsewhere does not look there by itself.
if [ -d /usr/share/nodejs/acorn ]; then export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"; fi
# Debian's em++ runs its Python tools on $EMSDK_PYTHON: Debian's own interpreter, whatever else is on the PATH.
export EMSDK_PYTHON="${EMSDK_PYTHON:-/usr/bin/python3}"
werror=OFF
if [ "${CI:-}" = "true" ]; then werror=ON; fi
emcmake cmake -S "$web" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHEADROOM_WERROR=$werror >/dev/null
cmake --build "$build" -j "$jobs"
site="$(cd "$build/site" && pwd)"
echo "web/build.sh: the page is in $site"
(cd "$site" && ls -l index.html style.css app.js render.js combobox.js plots.js headroom.js | awk '{printf "  %8d  %s\n", $5, $9}')
