#!/usr/bin/env node
// Packs the npm package (dry run) and fails unless every file in it is on the allow-list given as
// arguments (globs with * and **, or a folder ending in /), npm's own files (package.json, README,
// LICENSE) or a bundled dependency, and unless the tarball is at most 1 MB. Prints size and count.
'use strict';
const { execFileSync } = require('child_process');

const LIMIT = 1024 * 1024;
const ALWAYS = ['package.json', 'README.md', 'LICENSE'];

function globToRegExp(glob) {
  if (glob.endsWith('/')) glob += '**';
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` matches any number of folders, a trailing `**` anything below.
      if (glob[i + 2] === '/') { re += '(?:.*/)?'; i += 2; } else { re += '.*'; i += 1; }
    } else if (c === '*') {
      re += '[^/]*';
    } else {
      re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

function main(patterns) {
  if (patterns.length === 0) {
    console.error('usage: check-package.js GLOB...');
    return 2;
  }
  const pkg = require(`${process.cwd()}/package.json`);
  const bundled = pkg.bundledDependencies ?? pkg.bundleDependencies ?? [];
  const allowed = [
    ...patterns.map(globToRegExp),
    ...ALWAYS.map((f) => new RegExp(`^${f.replace('.', '\\.')}$`)),
    ...bundled.map((d) => new RegExp(`^node_modules/${d.replace(/[.]/g, '\\.')}/`)),
  ];
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const [packed] = JSON.parse(out);
  const stray = packed.files.map((f) => f.path).filter((p) => !allowed.some((re) => re.test(p)));
  const ownFiles = packed.files.filter((f) => !f.path.startsWith('node_modules/')).length;
  console.log(`package: ${packed.filename} ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ` +
    `${packed.entryCount} files (${ownFiles} of its own, the rest bundled: ${bundled.join(', ') || 'none'})`);
  let failed = false;
  if (!packed.files.some((f) => f.path === '.jsii')) {
    console.error('package: the jsii assembly .jsii is missing: run the compile task first');
    failed = true;
  }
  if (stray.length > 0) {
    console.error(`package: ${stray.length} files outside the allow-list (${patterns.join(' ')}):`);
    for (const p of stray.slice(0, 20)) console.error(`  ${p}`);
    if (stray.length > 20) console.error(`  ... and ${stray.length - 20} more`);
    failed = true;
  }
  if (packed.size > LIMIT) {
    console.error(`package: ${packed.size} bytes packed, over the limit of ${LIMIT}`);
    failed = true;
  }
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
