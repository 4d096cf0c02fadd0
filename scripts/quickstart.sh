#!/usr/bin/env bash
# The README's quick start as a new user runs it: an app laid out as `cdk8s init typescript-app`
# lays it out (that template's tsconfig.json and cdk8s.yaml, from the cdk8s CLI in node_modules),
# the packed npm package installed into it with its peers from the registry, the README's example
# as main.ts, and `cdk8s synth`. The YAML must be byte for byte the example's.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
start=$(date +%s)

expected=dist/example/k3s-multus.k8s.yaml
npx projen synth:example >/dev/null  # the expected YAML, from the current source

app=.cache/quickstart
rm -rf "$app" && mkdir -p "$app"
npm pack --pack-destination "$app" >/dev/null 2>&1
tarball=$(ls "$app"/cdk8s-multus-*.tgz)

template=node_modules/cdk8s-cli/templates/typescript-app
cp "$template/tsconfig.json" "$app/"
# The template's cdk8s.yaml, without `imports: [k8s]` (the quick start needs no generated k8s classes).
grep -v -e '^imports:' -e '^  - k8s' "$template/cdk8s.yaml" >"$app/cdk8s.yaml"
versions() { node -p "['cdk8s','cdk8s-plus-27','constructs','cdk8s-cli'].map((p) => p + '@' + require('./node_modules/' + p + '/package.json').version).join(' ')"; }
cat >"$app/package.json" <<'JSON'
{ "name": "quickstart", "version": "1.0.0", "private": true, "license": "Apache-2.0" }
JSON
# The quick start's install line, at the versions the build tested, plus the template's TypeScript and ts-node.
(cd "$app" && npm install --no-audit --no-fund "./$(basename "$tarball")" $(cd "$root" && versions) typescript@5.9.x ts-node@10 @types/node@20 >/dev/null 2>&1) || {
  echo "quickstart: npm install failed" >&2; exit 1; }

# The README's first TypeScript snippet is the quick start.
node -e "
const readme = require('fs').readFileSync('README.md', 'utf8');
const m = readme.match(/\`\`\`ts\n([\s\S]*?)\`\`\`/);
require('fs').writeFileSync(process.argv[1], m[1]);" "$app/main.ts"

(cd "$app" && npx cdk8s synth --no-check-upgrade >synth.log 2>&1) || { cat "$app/synth.log" >&2; echo "quickstart: cdk8s synth failed" >&2; exit 1; }
if ! cmp -s "$expected" "$app/dist/k3s-multus.k8s.yaml"; then
  diff "$expected" "$app/dist/k3s-multus.k8s.yaml" | head -40 >&2
  echo "quickstart: the quick start's YAML differs from the example's" >&2; exit 1
fi
echo "quickstart: $(basename "$tarball") ($(wc -c <"$tarball") bytes) in a cdk8s typescript-app layout: cdk8s synth wrote the example's YAML byte for byte; $(( $(date +%s) - start ))s"
