// The cdk8s and cdk8s-plus-27 bindings that the Java and Go builds of this package need, made with
// jsii-pacmak from the jsii assemblies of the npm packages this project installed, and cached in
// .cache/bindings/ by their versions and jsii-pacmak's.
//
// Why they are made here: the Go module proxy does not serve github.com/cdk8s-team/cdk8s-core-go
// and cdk8s-plus-go, and the Maven repository this project builds from does not have org.cdk8s:cdk8s
// and org.cdk8s:cdk8s-plus-27 at the versions the npm side uses. Bindings made from the same
// assemblies as the npm packages run the same JavaScript, so the YAML they write can be compared
// byte for byte with the TypeScript side's.
//
//   ts-node scripts/bindings/deps.ts java   # jars installed into the Maven repository .cache/bindings/m2
//   ts-node scripts/bindings/deps.ts go     # Go modules in .cache/bindings/go-deps/<versions>/go/
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CACHE = path.join(ROOT, '.cache', 'bindings');
/** The Maven repository that package:java and the Java binding test resolve from. */
export const MAVEN_REPO = path.join(CACHE, 'm2');

/** The version of an npm package as installed in this project's node_modules. */
export function installedVersion(pkg: string): string {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

/** cdk8s, cdk8s-plus-27, constructs and jsii-pacmak as installed: what every binding is made from. */
export function versions() {
  return {
    cdk8s: installedVersion('cdk8s'),
    cdk8sPlus27: installedVersion('cdk8s-plus-27'),
    constructs: installedVersion('constructs'),
    jsiiPacmak: installedVersion('jsii-pacmak'),
  };
}

function versionKey(): string {
  const v = versions();
  return `cdk8s-${v.cdk8s}_cdk8s-plus-27-${v.cdk8sPlus27}_jsii-pacmak-${v.jsiiPacmak}`;
}

/** Runs a command with its output passed through; throws with the command line on failure. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): void {
  try {
    execFileSync(cmd, args, { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: 'inherit' });
  } catch (e) {
    throw new Error(`command failed: ${cmd} ${args.join(' ')} (in ${path.relative(ROOT, opts.cwd ?? ROOT) || '.'})`);
  }
}

/** The jsii runtime's Node 20 end-of-life banner, printed by every process that loads it, is noise here. */
export const QUIET = { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' };

/** jsii-pacmak over the two npm packages, into a fresh folder that is renamed into place when done. */
function pacmak(target: 'go' | 'java', dest: string, extraArgs: string[]): void {
  const tmp = `${dest}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  run(path.join(ROOT, 'node_modules', '.bin', 'jsii-pacmak'), [
    '--target', target, '--outdir', tmp, '--no-npmignore', '--no-fingerprint', ...extraArgs,
    'node_modules/cdk8s', 'node_modules/cdk8s-plus-27',
  ], { env: QUIET });
  fs.renameSync(tmp, dest);
}

/**
 * The Go modules github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2 and cdk8s-plus-go/cdk8splus27/v2 as
 * source (they are compiled by the module that uses them). Returns their folders.
 */
export function goDeps(): { cdk8s: string; cdk8sPlus27: string } {
  const dir = path.join(CACHE, 'go-deps', versionKey());
  if (!fs.existsSync(dir)) {
    console.log(`bindings: making the cdk8s Go modules with jsii-pacmak into ${path.relative(ROOT, dir)}`);
    pacmak('go', dir, ['--code-only']);
  }
  return { cdk8s: path.join(dir, 'go', 'cdk8s'), cdk8sPlus27: path.join(dir, 'go', 'cdk8splus27') };
}

/**
 * The jars org.cdk8s:cdk8s and org.cdk8s:cdk8s-plus-27, built with Maven and installed into
 * MAVEN_REPO, where package:java and the Java binding test find them.
 */
export function javaDeps(): void {
  const v = versions();
  const dir = path.join(CACHE, 'java-deps', versionKey());
  if (!fs.existsSync(dir)) {
    console.log(`bindings: making the cdk8s jars with jsii-pacmak into ${path.relative(ROOT, dir)}`);
    pacmak('java', dir, ['--maven-local-repository', MAVEN_REPO]);
  }
  for (const [artifact, version] of [['cdk8s', v.cdk8s], ['cdk8s-plus-27', v.cdk8sPlus27]]) {
    const built = path.join(dir, 'java', 'org', 'cdk8s', artifact, version);
    const installed = path.join(MAVEN_REPO, 'org', 'cdk8s', artifact, version, `${artifact}-${version}.jar`);
    const jar = path.join(built, `${artifact}-${version}.jar`);
    if (fs.existsSync(installed) && fs.readFileSync(installed).equals(fs.readFileSync(jar))) continue;
    run('mvn', [
      '--batch-mode', '--quiet', '-Dstyle.color=never', `-Dmaven.repo.local=${MAVEN_REPO}`, 'install:install-file',
      `-Dfile=${jar}`, `-DpomFile=${path.join(built, `${artifact}-${version}.pom`)}`,
    ]);
  }
}

if (require.main === module) {
  const targets = process.argv.slice(2);
  if (targets.length === 0 || targets.some((t) => t !== 'go' && t !== 'java')) {
    console.error('usage: deps.ts go|java...');
    process.exit(2);
  }
  if (targets.includes('go')) goDeps();
  if (targets.includes('java')) javaDeps();
}
