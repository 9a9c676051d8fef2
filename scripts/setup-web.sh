#!/usr/bin/env bash
# Set up the workbench (overheard serve): front-end libraries from the npm registry, pinned in
# package.json / package-lock.json, copied into src/overheard/web/static/vendor/ (gitignored:
# no third-party code is committed), and Debian's chromium for the browser tests.
# Idempotent: each step is skipped when its stamp matches, so a re-run costs milliseconds.
#   OVERHEARD_WEB_BROWSER=0   skip chromium (the browser tests then skip, saying why)
set -euo pipefail
cd "$(dirname "$0")/.."

VENDOR=src/overheard/web/static/vendor
stamp="$VENDOR/.stamp"
want="$(cat package.json package-lock.json scripts/setup-web.sh 2>/dev/null | sha256sum | cut -c1-16)"

if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  if ! command -v npm >/dev/null; then
    echo "setup-web: npm is needed to fetch the workbench's front-end libraries (apt-get install npm)" >&2
    exit 1
  fi
  echo "setup-web: fetching front-end libraries from npm ..." >&2
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error --ignore-scripts
  else
    npm install --no-audit --no-fund --loglevel=error --ignore-scripts
  fi
  rm -rf "$VENDOR"
  mkdir -p "$VENDOR/leaflet/images"
  cp node_modules/htmx.org/dist/htmx.min.js "$VENDOR/htmx.min.js"
  cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$VENDOR/leaflet/"
  cp node_modules/leaflet/dist/images/*.png "$VENDOR/leaflet/images/"
  cp node_modules/topojson-client/dist/topojson-client.min.js "$VENDOR/topojson-client.min.js"
  # 50m outlines: detailed enough for a front line at oblast scale, small enough (~750 kB).
  cp node_modules/world-atlas/countries-50m.json "$VENDOR/countries-50m.json"
  for pkg in htmx.org leaflet topojson-client world-atlas; do
    cp "node_modules/$pkg/LICENSE"* "$VENDOR/LICENSE.$pkg" 2>/dev/null || true
  done
  echo "$want" > "$stamp"
fi

if [ "${OVERHEARD_WEB_BROWSER:-1}" != "0" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then apt=(apt-get); else apt=(sudo -n apt-get); fi
  echo "setup-web: installing Debian's chromium for the browser tests ..." >&2
  if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends chromium >/dev/null; then
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -qq
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends chromium >/dev/null
  fi
fi
