// `cdk8s-multus doctor`: the node's own state, judged read-only.
import * as fs from 'fs';
import * as path from 'path';
import { isExecutable } from './_host';
import { DoctorReport, exitCodeOf, runDoctor } from './doctor';
import { NodeFacts } from './node';
import * as facts from '../cni/facts';
import { pluginTypes } from '../cni/plugins';
import { Severity } from '../rules/finding';

/** Where the command writes. */
export interface DoctorIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const DOCTOR_USAGE = `usage: cdk8s-multus doctor [options]

Reads a node's CNI state (containerd's config, the CNI config and bin dirs, Multus's config and
daemon socket, the kubeconfigs host-side plugins read, the DHCP daemon, Whereabouts' config) and
reports what keeps Multus from working, each finding with its fix. Read-only: it never changes
the node. Run it as root on the node, or in a pod that mounts the host's / read-only (--root).

options:
  --root DIR          the node's root (default /; /host in a pod that mounts it there)
  --manifests FILE    YAML or JSON with the cluster's NetworkAttachmentDefinitions, whose plugins,
                      DHCP daemon and Whereabouts config the node must have (repeatable)
  --format text|json
  --layout            print the K3sCniPaths or StandardCniPaths this node needs, as TypeScript
                      (exit 0 whatever the findings; run without it for those)
  -h, --help

exit codes: 0 healthy, 1 problems found, 2 the node (or a file of it) could not be read`;

interface Options {
  root: string;
  format: 'text' | 'json';
  layout: boolean;
  manifests: string[];
}

/** Runs `cdk8s-multus doctor <args>`; returns the exit code. */
export function doctorMain(args: string[], io: DoctorIo): number {
  let options: Options | undefined;
  try {
    options = parseArgs(args);
  } catch (e) {
    io.stderr(`cdk8s-multus doctor: ${(e as Error).message}\n`);
    return 2;
  }
  if (!options) {
    io.stdout(DOCTOR_USAGE + '\n');
    return 0;
  }
  const manifests: { source: string; text: string }[] = [];
  for (const file of options.manifests) {
    try {
      manifests.push({ source: file, text: fs.readFileSync(file, 'utf8') });
    } catch (e) {
      io.stderr(`cdk8s-multus doctor: --manifests ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})\n`);
      return 2;
    }
  }
  const report = runDoctor({ root: options.root, manifests: options.manifests.length > 0 ? manifests : undefined });
  if (report.cannotInspect) {
    io.stderr(`cdk8s-multus doctor: cannot inspect the node: ${report.cannotInspect}\n`);
    if (options.format === 'json') io.stdout(JSON.stringify(jsonOf(report), undefined, 2) + '\n');
    return 2;
  }
  if (options.layout) {
    io.stdout(layoutSource(report.node!));
  } else if (options.format === 'json') {
    io.stdout(JSON.stringify(jsonOf(report), undefined, 2) + '\n');
  } else {
    io.stdout(text(report));
  }
  for (const u of report.unreadable) io.stderr(`cdk8s-multus doctor: cannot read ${u}\n`);
  // --layout answers what the node is, not whether it is healthy: its findings are not printed.
  if (options.layout) return report.unreadable.length > 0 ? 2 : 0;
  return exitCodeOf(report);
}

function parseArgs(args: string[]): Options | undefined {
  const options: Options = { root: '/', format: 'text', layout: false, manifests: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string => {
      const [flag, inline] = a.split(/=(.*)/s);
      if (inline !== undefined) return inline;
      if (i + 1 >= args.length) throw new Error(`${flag} needs a value`);
      return args[++i];
    };
    if (a === '-h' || a === '--help') return undefined;
    if (a === '--root' || a.startsWith('--root=')) {
      options.root = value();
    } else if (a === '--manifests' || a.startsWith('--manifests=')) {
      options.manifests.push(value());
    } else if (a === '--format' || a.startsWith('--format=')) {
      const v = value();
      if (v !== 'text' && v !== 'json') throw new Error(`--format must be text or json, got ${JSON.stringify(v)}`);
      options.format = v;
    } else if (a === '--layout') {
      options.layout = true;
    } else {
      throw new Error(`unknown argument ${JSON.stringify(a)}; see cdk8s-multus doctor --help`);
    }
  }
  return options;
}

/** What the node is, in one line. */
function nodeLine(node: NodeFacts): string {
  const r = node.runtime;
  const k3s = r.distro === 'k3s' ? `, data dir ${r.dataDir} (${r.dataDirSource})${r.currentRelease ? `, release dir ${r.currentRelease}` : ''}` : '';
  return `node: ${r.distro}${k3s}; containerd ${r.configFile ?? '(no config file: defaults)'}: conf_dir ${r.confDir}, bin_dir ${r.binDirs.join(' ')}; ` +
    `loads ${node.confFiles[0]?.name ?? 'nothing'} first${node.multus ? `; Multus ${node.multus.multus} (${node.multus.name})` : ''}`;
}

function text(report: DoctorReport): string {
  const lines = [nodeLine(report.node!)];
  if (report.node!.nads === undefined) lines.push('no --manifests given: the plugins, DHCP daemon and Whereabouts config that NADs need are not checked');
  for (const f of report.findings) {
    lines.push(`${f.severity} ${f.id}${f.path ? `: ${f.path}` : ''}`, `  ${f.message}`, `  fix: ${f.fix}`);
  }
  const errors = report.findings.filter((f) => f.severity === Severity.ERROR).length;
  const warnings = report.findings.length - errors;
  lines.push(report.findings.length === 0 && report.unreadable.length === 0 ? 'healthy: no findings'
    : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${report.unreadable.length ? `, ${report.unreadable.length} path(s) unreadable` : ''}`);
  return lines.join('\n') + '\n';
}

function jsonOf(report: DoctorReport): any {
  const n = report.node;
  const errors = report.findings.filter((f) => f.severity === Severity.ERROR).length;
  return {
    node: n ? {
      distro: n.runtime.distro,
      dataDir: n.runtime.dataDir,
      currentRelease: n.runtime.currentRelease,
      containerdConfig: n.runtime.configFile,
      confDir: n.runtime.confDir,
      binDirs: n.runtime.binDirs,
      loadOrder: n.confFiles.map((f) => f.name),
      multus: n.multus ? { file: n.multus.name, flavour: n.multus.multus } : undefined,
      layout: n.layoutChoice.construct,
    } : undefined,
    findings: report.findings,
    unreadable: report.unreadable,
    cannotInspect: report.cannotInspect,
    summary: { errors, warnings: report.findings.length - errors, exitCode: exitCodeOf(report) },
  };
}

/** The executable plugins in containerd's first bin dir. */
function presentPlugins(node: NodeFacts): string[] {
  const dir = node.runtime.binDirs[0];
  return (node.root.readDir(dir) ?? []).filter((n) => {
    const st = node.root.stat(path.posix.join(dir, n));
    return st !== undefined && isExecutable(st);
  });
}

/** The layout construct for this node, as TypeScript for a chart. */
export function layoutSource(node: NodeFacts): string {
  const choice = node.layoutChoice;
  const props: string[] = [];
  for (const [k, v] of Object.entries(choice.props)) if (v !== undefined) props.push(`  ${k}: ${JSON.stringify(v)},`);
  const present = presentPlugins(node);
  // The primary CNI's own plugins go with it; Multus's are installed by the chart.
  const primaryPlugins = choice.primary && node.primary?.config ? present.filter((p) => pluginTypes(node.primary!.config).includes(p)) : [];
  if (choice.primary) {
    const opts = Object.entries({ ...choice.primary, plugins: primaryPlugins.length > 0 ? primaryPlugins : undefined }).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
    props.push(`  primaryCni: PrimaryCni.external({ ${opts.join(', ')} }),`);
  }
  const own = new Set([...facts.MULTUS_THICK_INSTALLS, facts.MULTUS_THIN_PLUGIN, ...node.layout.bundledPlugins, ...primaryPlugins]);
  const extra = present.filter((p) => !own.has(p));
  if (extra.length > 0) {
    props.push(`  // Present in ${node.runtime.binDirs[0]} on this node; keep only those present on every node.`);
    props.push(`  ${choice.construct === 'K3sCniPaths' ? 'extraAvailablePlugins' : 'availablePlugins'}: ${JSON.stringify(extra)},`);
  }
  const imports = [choice.construct, ...(choice.primary ? ['PrimaryCni'] : [])].join(', ');
  return [
    `import { ${imports} } from 'cdk8s-multus';`,
    '',
    `// ${nodeLine(node).replace(/; loads.*$/, '')}`,
    props.length === 0 ? `new ${choice.construct}(this, 'Paths');` : `new ${choice.construct}(this, 'Paths', {\n${props.join('\n')}\n});`,
  ].join('\n') + '\n';
}
