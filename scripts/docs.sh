#!/usr/bin/env bash
# Usage: scripts/docs.sh
# The API reference: TypeDoc (typedoc.json) reads the TSDoc of the package's four entry points (browser, browser
# HEIC, Node, Node HEIC) into build/docs/ (open build/docs/index.html). Fails on any TypeDoc warning (an export, a
# property or a type reached from one without a doc comment; a {@link} that does not resolve) and on any relative
# link in the generated HTML whose target is missing. Run by scripts/test.sh; needs `npm ci` (setup.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

log "API reference (TypeDoc -> build/docs)"
rm -rf build/docs
npx --no-install typedoc --logLevel Warn
node --input-type=module - build/docs <<'JS'
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
const root = process.argv[2];
const pages = readdirSync(root, { recursive: true }).filter((f) => f.endsWith('.html'));
const broken = [];
for (const page of pages) {
  const html = readFileSync(join(root, page), 'utf8');
  for (const [, href] of html.matchAll(/href="([^"#?]+)[^"]*"/g)) {
    if (/^[a-z]+:/i.test(href) || href.startsWith('//')) continue;  // (absolute URLs are not ours to check)
    if (!existsSync(join(root, dirname(page), decodeURI(href)))) broken.push(`${page} -> ${href}`);
  }
}
if (broken.length) { console.error(`broken links:\n${broken.join('\n')}`); process.exit(1); }
console.log(`${pages.length} pages, every relative link resolves`);
JS
