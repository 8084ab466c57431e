#!/usr/bin/env bash
# System libraries the tests need: WeasyPrint's Pango/HarfBuzz, poppler (pdftotext) to read
# generated PDFs, and Debian's Chromium for the browser tests. Installed with apt when missing.
set -euo pipefail
need=()
ldconfig -p | grep -q libpango-1.0.so.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p | grep -q libharfbuzz-subset.so.0 || need+=(libharfbuzz-subset0)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
command -v pdftotext >/dev/null || need+=(poppler-utils)
[ -x /usr/bin/chromium ] || need+=(chromium)
# docker-compose validates docker-compose.yml in the tests (no Docker engine is needed for that).
command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || need+=(docker-compose)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "Missing system packages: ${need[*]} — install them with your package manager." >&2
  exit 1
fi
