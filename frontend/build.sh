#!/usr/bin/env bash
# Builds the portal's front-end assets into ../static/ from GOV.UK Frontend
# and MOJ Frontend (pinned in package-lock.json). Idempotent; run from anywhere:
#   bash frontend/build.sh
# Outputs (committed, so a machine with only Python can run the portal):
#   static/css/app.css                  GOV.UK + MOJ + portal styles, Arial, relative url()s
#   static/js/govuk-frontend.min.js     ES module
#   static/js/moj-frontend.min.js       ES module (self-contained)
#   static/assets/                      images, favicons, manifest.json
set -euo pipefail

FRONTEND_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATIC_DIR="$(cd "$FRONTEND_DIR/.." && pwd)/static"
cd "$FRONTEND_DIR"

echo "==> npm ci"
npm ci --no-audit --no-fund --loglevel=error

GOVUK="$FRONTEND_DIR/node_modules/govuk-frontend/dist/govuk"
MOJ="$FRONTEND_DIR/node_modules/@ministryofjustice/frontend/moj"

echo "==> clean generated output"
rm -rf "$STATIC_DIR/css/app.css" "$STATIC_DIR/js/govuk-frontend.min.js" \
       "$STATIC_DIR/js/moj-frontend.min.js" "$STATIC_DIR/assets"
mkdir -p "$STATIC_DIR/css" "$STATIC_DIR/js" "$STATIC_DIR/assets/images"

echo "==> sass src/app.scss -> static/css/app.css"
# --quiet-deps hides deprecation warnings raised inside the vendored packages.
"$FRONTEND_DIR/node_modules/.bin/sass" \
  --pkg-importer=node --load-path="$FRONTEND_DIR" --quiet-deps \
  --style=compressed --no-source-map \
  "$FRONTEND_DIR/src/app.scss" "$STATIC_DIR/css/app.css"

echo "==> copy JS bundles (ES modules)"
cp "$GOVUK/govuk-frontend.min.js" "$STATIC_DIR/js/govuk-frontend.min.js"
cp "$MOJ/moj-frontend.min.js" "$STATIC_DIR/js/moj-frontend.min.js"
# Strip sourceMappingURL comments: the .map files are not shipped, and
# ManifestStaticFilesStorage would fail collectstatic on a missing map.
sed -i -e 's#//\# sourceMappingURL=[^ ]*\.map##' \
  "$STATIC_DIR/js/govuk-frontend.min.js" "$STATIC_DIR/js/moj-frontend.min.js"

echo "==> copy images and manifest (no fonts: Arial is used)"
cp "$GOVUK"/assets/images/* "$STATIC_DIR/assets/images/"
cp "$MOJ"/assets/images/* "$STATIC_DIR/assets/images/"
cp "$GOVUK/assets/manifest.json" "$STATIC_DIR/assets/manifest.json"

echo "==> check: no GDS Transport and no absolute url() in app.css"
if grep -q "GDS Transport" "$STATIC_DIR/css/app.css"; then
  echo "ERROR: app.css references GDS Transport" >&2; exit 1
fi
status=0
count=0
while IFS= read -r ref; do
  [ -z "$ref" ] && continue
  count=$((count + 1))
  case "$ref" in
    data:*|\#*) continue ;;
    /*|http:*|https:*|//*)
      echo "ERROR: app.css has a non-relative url(): $ref" >&2; status=1; continue ;;
  esac
  path="${ref%%[?#]*}"
  if [ ! -f "$STATIC_DIR/css/$path" ]; then
    echo "ERROR: app.css url($ref) -> missing static/css/$path" >&2; status=1
  fi
done < <(grep -o 'url([^)]*)' "$STATIC_DIR/css/app.css" \
           | sed -e 's/^url(//' -e 's/)$//' -e "s/^[\"']//" -e "s/[\"']\$//" | sort -u)
[ "$status" -eq 0 ] || { echo "Build FAILED: unresolved url() references" >&2; exit 1; }

# manifest.json icons are relative to static/assets/
for src in $(grep -o '"src": *"[^"]*"' "$STATIC_DIR/assets/manifest.json" | sed 's/.*"\([^"]*\)"$/\1/'); do
  [ -f "$STATIC_DIR/assets/$src" ] || { echo "ERROR: manifest.json icon missing: $src" >&2; exit 1; }
done

# Never leave node_modules under static/
if find "$STATIC_DIR" -name node_modules -print -quit | grep -q .; then
  echo "ERROR: node_modules found under static/" >&2; exit 1
fi

echo "==> OK: $(wc -c < "$STATIC_DIR/css/app.css") bytes of CSS, $count url() references all resolve"
