#!/usr/bin/env bash
# Usage: scripts/test-browser.sh [PLAYWRIGHT ARGS...]
# The browser half of the tests (run by scripts/test.sh): packs the npm package exactly as it would be published
# (npm pack), installs the tarball into the three consumer apps (tests/consumers/{vite,webpack,rsbuild}) next
# to their own locked dependencies, builds them for production, prepares the test photos, runs the Playwright
# tests (tests/browser) in Debian's Chromium, then the same apps in Debian's Firefox ESR and WebKitGTK
# (tests/engines; skipped when Playwright arguments select a subset). Assumes scripts/setup.sh has run (it installs
# chromium, firefox-esr, webkit2gtk-driver and xvfb) and dist/ is built.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

log "packing the npm package"
mkdir -p build/pack
rm -f build/pack/advcompress-*.tgz
npm pack --silent --pack-destination build/pack >/dev/null
TGZ=$(ls "$ROOT"/build/pack/advcompress-*.tgz)
npx --no-install publint --strict "$TGZ" || die "publint reports problems in the package"

for app in vite webpack rsbuild; do
  d="tests/consumers/$app"
  log "consumer app '$app': npm ci + the packed tarball + production build"
  # node_modules is reused while the lockfile is unchanged (npm's own cache keeps a cold install offline-fast)
  stamp="$d/node_modules/.advcompress-lock"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$(sha256sum < "$d/package-lock.json")" ]; then
    (cd "$d" && run_logged "$ROOT/build/consumer-$app.ci.log" npm ci --no-audit --no-fund)
    sha256sum < "$d/package-lock.json" > "$stamp"
  fi
  # The app's own source is the shared test app, copied in so that it resolves 'advcompress' from the app's
  # node_modules (the tarball) and not from this repository.
  cp tests/consumers/shared/app.js "$d/$([ "$app" = vite ] || echo src/)app.js"
  (cd "$d" && run_logged "$ROOT/build/consumer-$app.install.log" npm install --no-save --no-audit --no-fund "$TGZ" &&
    run_logged "$ROOT/build/consumer-$app.build.log" npm run build)
done

log "demo page (vite build -> build/demo)"
run_logged "$ROOT/build/demo-build.log" npx --no-install vite build -c web/demo/vite.config.js

log "test photos (build/photos)"
mkdir -p build/photos
cp -u /usr/share/backgrounds/mate/nature/Storm.jpg build/photos/
for p in Storm Dune LadyBird; do   # three real photographs at 1280 px for the demo tests
  [ -s "build/photos/$p-1280.jpg" ] || convert "/usr/share/backgrounds/mate/nature/$p.jpg" -resize 1280x \
    -quality 90 "build/photos/$p-1280.jpg"
done
# An animated GIF (Pillow's iss634.gif, 245 x 245, 42 frames) from the fixture cache (scripts/fetch-fixtures.sh).
cp -u "$CACHE/fixtures/pillow/Tests/images/iss634.gif" build/photos/ 2>/dev/null || true
# A 12 MP photograph (4608 x 2592) from the 5640 x 3172 one in mate-backgrounds, for the responsiveness test.
[ -s build/photos/Elephants-12MP.jpg ] || convert /usr/share/backgrounds/mate/abstract/Elephants_5640x3172.jpg \
  -resize 4608x2592! -quality 92 build/photos/Elephants-12MP.jpg

log "Playwright tests (Debian chromium)"
(cd tests/browser && npx --no-install playwright test -c playwright.config.js "$@")

if [ $# -eq 0 ]; then
  log "Firefox ESR and WebKitGTK (tests/engines: puppeteer-core over WebDriver BiDi, WebKitWebDriver in xvfb)"
  node --test --test-concurrency=1 tests/engines/
fi
