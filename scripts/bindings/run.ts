// The binding tests: for each language, the package built by `npx projen package-all` (dist/python,
// dist/go, dist/java) is installed into a clean environment under .cache/bindings/, the README's
// quick start written in that language (examples/python, examples/go, examples/java) synthesizes its
// chart, and the YAML must be byte for byte the TypeScript example's (dist/example/k3s-multus.k8s.yaml,
// written by `npx projen synth:example`). Prints each language's result and time, a diff on any
// difference, and fails then.
//
//   ts-node scripts/bindings/run.ts [python] [go] [java]     (all three when none is named)
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CACHE, MAVEN_REPO, QUIET as JSII_QUIET, ROOT, goDeps, javaDeps, run, versions } from './deps';

const EXPECTED = path.join(ROOT, 'dist', 'example', 'k3s-multus.k8s.yaml');
const YAML_NAME = path.basename(EXPECTED);
const QUIET = { ...JSII_QUIET, PIP_DISABLE_PIP_VERSION_CHECK: '1' };

/** A language whose toolchain is not on this machine is skipped with the reason, never passed. */
class Skip extends Error {}

/** Skips the language unless the command runs; the reason names the command and its error. */
function requireTool(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Skip(`'${cmd} ${args.join(' ')}' failed: ${r.error?.message ?? (r.stderr || r.stdout).trim()}`);
  }
}

/** The one file in a dist/ folder that matches; a missing artifact fails the language, naming the task that builds it. */
function artifact(dir: string, pattern: RegExp, task: string): string {
  const full = path.join(ROOT, dir);
  const found = fs.existsSync(full) ? fs.readdirSync(full).filter((f) => pattern.test(f)) : [];
  if (found.length !== 1) {
    throw new Error(`${dir}: expected one artifact matching ${pattern}, found ${found.length} (${found.join(', ') || 'none'}): run 'npx projen ${task}'`);
  }
  return path.join(full, found[0]);
}

/** A fresh folder under .cache/bindings/<lang>/ for the app, with the outdir its chart writes to. */
function freshApp(lang: string): { app: string; outdir: string } {
  const app = path.join(CACHE, lang, 'app');
  fs.rmSync(app, { recursive: true, force: true });
  fs.mkdirSync(app, { recursive: true });
  return { app, outdir: path.join(app, 'dist') };
}

/** Python: a new venv with cdk8s and cdk8s-plus-27 from PyPI at the npm side's versions, and the wheel. */
function python(): string {
  requireTool('python3', ['-m', 'venv', '--help']);
  const wheel = artifact('dist/python', /^cdk8s_multus-.*\.whl$/, 'package:python');
  const v = versions();
  const { app, outdir } = freshApp('python');
  const venv = path.join(CACHE, 'python', 'venv');
  fs.rmSync(venv, { recursive: true, force: true });
  run('python3', ['-m', 'venv', venv]);
  const py = path.join(venv, 'bin', 'python');
  console.log(`python: a new venv with ${path.relative(ROOT, wheel)}, cdk8s==${v.cdk8s}, cdk8s-plus-27==${v.cdk8sPlus27} and constructs==${v.constructs} from PyPI`);
  run(py, ['-m', 'pip', 'install', '--quiet',
    `cdk8s==${v.cdk8s}`, `cdk8s-plus-27==${v.cdk8sPlus27}`, `constructs==${v.constructs}`, wheel], { env: QUIET });
  fs.copyFileSync(path.join(ROOT, 'examples', 'python', 'k3s_multus.py'), path.join(app, 'k3s_multus.py'));
  run(py, ['k3s_multus.py'], { cwd: app, env: { ...QUIET, CDK8S_OUTDIR: outdir } });
  return path.join(outdir, YAML_NAME);
}

/** Go: a new module that requires the generated cdk8smultus module and the cdk8s modules made from npm. */
function go(): string {
  requireTool('go', ['version']);
  const mod = path.join(ROOT, 'dist', 'go', 'cdk8smultus');
  if (!fs.existsSync(path.join(mod, 'go.mod'))) {
    throw new Error("dist/go/cdk8smultus/go.mod is missing: run 'npx projen package:go'");
  }
  const v = versions();
  const deps = goDeps();
  const { app, outdir } = freshApp('go');
  fs.copyFileSync(path.join(ROOT, 'examples', 'go', 'k3s-multus', 'main.go'), path.join(app, 'main.go'));
  const own = 'github.com/cdk8s-multus/cdk8s-multus-go/cdk8smultus';
  const modules: Array<[string, string, string]> = [
    [own, 'v0.0.0', mod],
    ['github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2', `v${v.cdk8s}`, deps.cdk8s],
    ['github.com/cdk8s-team/cdk8s-plus-go/cdk8splus27/v2', `v${v.cdk8sPlus27}`, deps.cdk8sPlus27],
  ];
  fs.writeFileSync(path.join(app, 'go.mod'), [
    'module example.com/k3smultus',
    '',
    'go 1.25',
    '',
    'require (',
    ...modules.map(([m, ver]) => `\t${m} ${ver}`),
    ')',
    '',
    ...modules.map(([m, , dir]) => `replace ${m} => ${dir}`),
    '',
  ].join('\n'));
  console.log(`go: a new module with dist/go/cdk8smultus and the cdk8s modules from ${path.relative(ROOT, path.dirname(deps.cdk8s))}`);
  // jsii-runtime-go and constructs-go come from the module proxy, at the versions the modules require.
  run('go', ['mod', 'tidy'], { cwd: app });
  // Every package of the generated module compiles, not only those the example imports.
  run('go', ['build', './...', `${own}/...`], { cwd: app });
  run('go', ['build', '-o', 'k3s-multus', '.'], { cwd: app });
  run(path.join(app, 'k3s-multus'), [], { cwd: app, env: { ...QUIET, CDK8S_OUTDIR: outdir } });
  return path.join(outdir, YAML_NAME);
}

/** Java: a new Maven project that depends on the jar in dist/java and the cdk8s jars. */
function java(): string {
  requireTool('mvn', ['--version']);
  const group = 'io.github.cdk8s-multus';
  const jar = artifact(path.join('dist', 'java', ...group.split('.'), 'cdk8s-multus', '0.0.0'), /^cdk8s-multus-0\.0\.0\.jar$/, 'package:java');
  const v = versions();
  javaDeps();
  // The package comes from dist/java, never from a copy that an earlier build left in the repository.
  fs.rmSync(path.join(MAVEN_REPO, ...group.split('.')), { recursive: true, force: true });
  const { app, outdir } = freshApp('java');
  const src = path.join(app, 'src', 'main', 'java', 'com', 'example');
  fs.mkdirSync(src, { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'examples', 'java', 'src', 'main', 'java', 'com', 'example', 'K3sMultus.java'), path.join(src, 'K3sMultus.java'));
  const dep = (g: string, a: string, ver: string) =>
    `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${ver}</version></dependency>`;
  fs.writeFileSync(path.join(app, 'pom.xml'), [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    '  <modelVersion>4.0.0</modelVersion>',
    '  <groupId>com.example</groupId>',
    '  <artifactId>k3s-multus</artifactId>',
    '  <version>0.0.0</version>',
    '  <properties>',
    '    <maven.compiler.release>17</maven.compiler.release>',
    '    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>',
    '  </properties>',
    '  <repositories>',
    `    <repository><id>dist-java</id><url>file://${path.join(ROOT, 'dist', 'java')}</url></repository>`,
    '  </repositories>',
    '  <build><plugins>',
    '    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.11.0</version></plugin>',
    '  </plugins></build>',
    '  <dependencies>',
    dep(group, 'cdk8s-multus', '0.0.0'),
    dep('org.cdk8s', 'cdk8s', v.cdk8s),
    dep('org.cdk8s', 'cdk8s-plus-27', v.cdk8sPlus27),
    dep('software.constructs', 'constructs', v.constructs),
    '  </dependencies>',
    '</project>',
    '',
  ].join('\n'));
  console.log(`java: a new Maven project with ${path.relative(ROOT, jar)}, org.cdk8s:cdk8s:${v.cdk8s} and org.cdk8s:cdk8s-plus-27:${v.cdk8sPlus27}`);
  run('mvn', ['--batch-mode', '--quiet', '-Dstyle.color=never', `-Dmaven.repo.local=${MAVEN_REPO}`, 'compile', 'dependency:build-classpath',
    '-Dmdep.outputFile=classpath.txt'], { cwd: app });
  const resolved = path.join(MAVEN_REPO, ...group.split('.'), 'cdk8s-multus', '0.0.0', 'cdk8s-multus-0.0.0.jar');
  if (!fs.readFileSync(resolved).equals(fs.readFileSync(jar))) {
    throw new Error(`Maven resolved ${resolved}, which is not the jar in dist/java`);
  }
  const classpath = `target/classes${path.delimiter}${fs.readFileSync(path.join(app, 'classpath.txt'), 'utf8').trim()}`;
  run('java', ['-cp', classpath, 'com.example.K3sMultus'], { cwd: app, env: { ...QUIET, CDK8S_OUTDIR: outdir } });
  return path.join(outdir, YAML_NAME);
}

const LANGUAGES: Record<string, () => string> = { python, go, java };

function main(): number {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !(n in LANGUAGES));
  if (unknown.length > 0) {
    console.error(`bindings: unknown language ${unknown.join(', ')}; known: ${Object.keys(LANGUAGES).join(', ')}`);
    return 2;
  }
  if (!fs.existsSync(EXPECTED)) {
    console.error(`bindings: ${path.relative(ROOT, EXPECTED)} is missing: run 'npx projen synth:example'`);
    return 1;
  }
  const expected = fs.readFileSync(EXPECTED);
  const results: Array<{ lang: string; outcome: 'passed' | 'failed' | 'skipped'; seconds: number; note: string }> = [];
  for (const lang of names.length > 0 ? names : Object.keys(LANGUAGES)) {
    console.log(`\n== bindings: ${lang}`);
    const start = Date.now();
    const seconds = () => (Date.now() - start) / 1000;
    try {
      const written = LANGUAGES[lang]();
      const actual = fs.existsSync(written) ? fs.readFileSync(written) : undefined;
      if (actual === undefined) {
        results.push({ lang, outcome: 'failed', seconds: seconds(), note: `the app wrote no ${YAML_NAME}` });
      } else if (actual.equals(expected)) {
        results.push({ lang, outcome: 'passed', seconds: seconds(), note: `same YAML as TypeScript (${actual.length} bytes)` });
      } else {
        spawnSync('diff', ['-u', '--label', `typescript/${YAML_NAME}`, '--label', `${lang}/${YAML_NAME}`, EXPECTED, written], { stdio: 'inherit' });
        results.push({ lang, outcome: 'failed', seconds: seconds(), note: `YAML differs from TypeScript's (${actual.length} vs ${expected.length} bytes)` });
      }
    } catch (e) {
      const outcome = e instanceof Skip ? 'skipped' : 'failed';
      results.push({ lang, outcome, seconds: seconds(), note: (e as Error).message });
    }
  }
  console.log('');
  for (const r of results) {
    console.log(`bindings: ${r.lang.padEnd(6)} ${r.outcome.toUpperCase().padEnd(7)} ${r.seconds.toFixed(1).padStart(6)}s  ${r.note}`);
  }
  const count = (o: string) => results.filter((r) => r.outcome === o).length;
  console.log(`bindings: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`);
  return count('failed') > 0 ? 1 : 0;
}

process.exitCode = main();
