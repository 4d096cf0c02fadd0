import * as fs from 'fs';
import * as path from 'path';
import { isMap, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import { MAX_DEPTH, parseJson, plainData } from '../_json';
import * as facts from '../cni/facts';
import { pluginNameProblem } from '../cni/plugins';
import { doctorMain } from '../doctor/cli';
import { ICniNodeLayout, K3sLayout, StandardLayout } from '../layout';
import { duplicateKeys, locate, ObjectText, Position } from './_source-map';
import { ManifestObject, Severity, Verdict } from '../rules/finding';
import { MultusRules } from '../rules/multus-rules';

/** Where the command writes. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdin: () => Buffer;
}

const USAGE = `usage: cdk8s-multus lint [options] <file|dir|-> ...
       cdk8s-multus doctor [options]   (judges a node itself; see cdk8s-multus doctor --help)

Judges Kubernetes manifests (multi-document YAML, JSON, kind: List) and CNI config files
(.conf, .conflist) with the rules that cdk8s-multus runs when it synthesizes a chart.

options:
  --distro k3s|k3s-legacy|standard
                          the node layout to judge against (default k3s); k3s-legacy is k3s
                          before v1.28.15/v1.29.10/v1.30.6/v1.31.2, with its bin dir under
                          data/current/bin
  --data-dir DIR          k3s's --data-dir (default ${facts.K3S_DEFAULT_DATA_DIR})
  --conf-dir DIR          with --distro standard: the node's CNI config dir (default ${facts.STANDARD_CONF_DIR})
  --bin-dir DIR           with --distro standard: the node's CNI bin dir (default ${facts.STANDARD_BIN_DIR})
  --node-plugins A,B,...  plugins the nodes already have in their bin dir besides the
                          distribution's own (on standard nodes, often the reference plugins)
  --fail-on error|warning exit 1 on errors only (default), or on warnings too
  --format text|json|sarif
  -h, --help

exit codes: 0 no errors (no warnings with --fail-on warning), 1 errors found, 2 bad usage or unreadable input (every readable input
is still judged), 3 an internal error of this command (please report it with the input)`;

/** A problem with the command line or an input, reported with exit code 2. */
class InputError extends Error {}

/**
 * Inputs larger than this are refused rather than read: parsed YAML takes many times its size in
 * memory, and real manifests are far smaller.
 */
export const MAX_INPUT_BYTES = 32 * 1024 * 1024;
const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];
const CNI_EXTENSIONS = ['.conf', '.conflist'];

interface Options {
  distro: 'k3s' | 'k3s-legacy' | 'standard';
  dataDir?: string;
  confDir?: string;
  binDir?: string;
  nodePlugins: string[];
  failOn: 'error' | 'warning';
  format: 'text' | 'json' | 'sarif';
  inputs: string[];
}

/** Runs `cdk8s-multus <args>`; returns the exit code. */
export function main(args: string[], io: Io): number {
  try {
    if (args[0] === 'doctor') return doctorMain(args.slice(1), io);
    if (args[0] !== 'lint') {
      if (args.length === 0 || args[0] === '-h' || args[0] === '--help') {
        io.stdout(USAGE + '\n');
        return args.length === 0 ? 2 : 0;
      }
      throw new InputError(`unknown command ${JSON.stringify(args[0])}; the commands are "lint" and "doctor"`);
    }
    const options = parseArgs(args.slice(1));
    if (!options) {
      io.stdout(USAGE + '\n');
      return 0;
    }
    const layout = makeLayout(options);
    // An input that cannot be read is reported, and every other input is still judged.
    const unreadable: string[] = [];
    const objects = options.inputs.flatMap((input) => readInput(input, io, unreadable));
    let verdict: Verdict;
    try {
      // Files from elsewhere may be part of a deployment; --node-plugins says what the nodes carry.
      verdict = MultusRules.judge(objects, layout, { partialInput: true, nodePluginsDeclared: options.nodePlugins.length > 0 });
    } catch (e) {
      return internalError(io, culprit(options.inputs, objects, layout), e);
    }
    const findings = verdict.findings;
    io.stdout(render(options.format, verdict, objects.length, layout, locator(objects)));
    for (const problem of unreadable) io.stderr(`cdk8s-multus: ${problem}\n`);
    if (unreadable.length > 0) return 2;
    return findings.some((f) => f.severity === Severity.ERROR || options.failOn === 'warning') ? 1 : 0;
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`cdk8s-multus: ${e.message}\n`);
      return 2;
    }
    return internalError(io, 'the command line', e);
  }
}

/** One line, no stack trace, and an exit code of its own: never mistaken for "errors found". */
function internalError(io: Io, where: string, e: unknown): number {
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  io.stderr(`cdk8s-multus: internal error while judging ${where} (${message.split('\n')[0].slice(0, 200)}); please report it with that input\n`);
  return 3;
}

/** The source of the first object that fails on its own, to name in an internal error. */
function culprit(inputs: string[], objects: ManifestObject[], layout: ICniNodeLayout): string {
  for (const o of objects) {
    try {
      MultusRules.judge([o], layout);
    } catch {
      return o.source ?? inputs.join(', ');
    }
  }
  return inputs.join(', ');
}

function parseArgs(args: string[]): Options | undefined {
  const options: Options = { distro: 'k3s', format: 'text', inputs: [], nodePlugins: [], failOn: 'error' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string => {
      const [flag, inline] = a.split(/=(.*)/s);
      if (inline !== undefined) return inline;
      if (i + 1 >= args.length) throw new InputError(`${flag} needs a value`);
      return args[++i];
    };
    if (a === '-h' || a === '--help') {return undefined;} else if (a === '--distro' || a.startsWith('--distro=')) {
      const v = value();
      if (v !== 'k3s' && v !== 'k3s-legacy' && v !== 'standard') throw new InputError(`--distro must be k3s, k3s-legacy or standard, got ${JSON.stringify(v)}`);
      options.distro = v;
    } else if (a === '--conf-dir' || a.startsWith('--conf-dir=')) {
      options.confDir = value();
    } else if (a === '--bin-dir' || a.startsWith('--bin-dir=')) {
      options.binDir = value();
    } else if (a === '--node-plugins' || a.startsWith('--node-plugins=')) {
      for (const p of value().split(',').map((x) => x.trim()).filter(Boolean)) {
        const problem = pluginNameProblem(p);
        if (problem) throw new InputError(`--node-plugins: ${problem}`);
        options.nodePlugins.push(p);
      }
    } else if (a === '--fail-on' || a.startsWith('--fail-on=')) {
      const v = value();
      if (v !== 'error' && v !== 'warning') throw new InputError(`--fail-on must be error or warning, got ${JSON.stringify(v)}`);
      options.failOn = v;
    } else if (a === '--data-dir' || a.startsWith('--data-dir=')) {
      options.dataDir = value();
    } else if (a === '--format' || a.startsWith('--format=')) {
      const v = value();
      if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new InputError(`--format must be text, json or sarif, got ${JSON.stringify(v)}`);
      options.format = v;
    } else if (a.startsWith('-') && a !== '-') {
      throw new InputError(`unknown option ${a}`);
    } else {
      options.inputs.push(a);
    }
  }
  if (options.inputs.length === 0) throw new InputError('no input: give files, directories, or - for standard input');
  if (options.dataDir !== undefined && options.distro === 'standard') throw new InputError('--data-dir applies to --distro k3s and k3s-legacy only');
  for (const [flag, given] of [['--conf-dir', options.confDir], ['--bin-dir', options.binDir]]) {
    if (given !== undefined && options.distro !== 'standard') {
      throw new InputError(`${flag} applies to --distro standard only; k3s's dirs follow from --data-dir`);
    }
  }
  return options;
}

function makeLayout(options: Options): ICniNodeLayout {
  try {
    if (options.distro === 'standard') {
      return new StandardLayout({ confDir: options.confDir, binDir: options.binDir, availablePlugins: options.nodePlugins });
    }
    return new K3sLayout({ dataDir: options.dataDir, legacyVersionedBinDir: options.distro === 'k3s-legacy', extraAvailablePlugins: options.nodePlugins });
  } catch (e) {
    const message = (e as Error).message;
    const flag = /^StandardLayout: confDir/.test(message) ? '--conf-dir' : /^StandardLayout: binDir/.test(message) ? '--bin-dir' : '--data-dir';
    throw new InputError(`${flag}: ${message.replace(/^(K3sLayout|StandardLayout): ((dataDir|confDir|binDir): )?/, '')}`);
  }
}

/**
 * The objects in a file, a directory (recursively, by extension) or standard input. What cannot
 * be read (missing, a dangling or looping symlink, not a regular file, too large, not UTF-8,
 * malformed) is added to `unreadable` and yields no objects.
 */
/**
 * Reads manifest and CNI config files (or directories of them) as the lint command does: each object
 * with its file and line as its source; what cannot be read is described in `unreadable`, and every
 * other input is still read.
 */
export function readManifests(inputs: string[]): { objects: ManifestObject[]; unreadable: string[] } {
  const unreadable: string[] = [];
  const noStdin: Io = { stdout: () => undefined, stderr: () => undefined, stdin: () => Buffer.alloc(0) };
  const objects = inputs.flatMap((input) => readInput(input, noStdin, unreadable));
  return { objects, unreadable };
}

function readInput(input: string, io: Io, unreadable: string[], dirsSeen = new Set<string>()): ManifestObject[] {
  try {
    if (input === '-') return parseText('<stdin>', decode('<stdin>', io.stdin()), 'manifest');
    const stat = statOf(input);
    if (stat.isDirectory()) {
      // A directory reached again (a link to itself or to a parent) is read once.
      const real = fs.realpathSync(input);
      if (dirsSeen.has(real)) return [];
      dirsSeen.add(real);
      return fs.readdirSync(input).sort().flatMap((name) => {
        const child = path.join(input, name);
        const ext = path.extname(name);
        if (MANIFEST_EXTENSIONS.includes(ext) || CNI_EXTENSIONS.includes(ext)) return readInput(child, io, unreadable, dirsSeen);
        // Sub-directories are walked; a link that leads nowhere is reported, not followed for ever.
        try {
          if (fs.statSync(child).isDirectory()) return readInput(child, io, unreadable, dirsSeen);
        } catch (e) {
          unreadable.push(`${child}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        }
        return [];
      });
    }
    // A FIFO or a device would block or never end: only regular files are read.
    if (!stat.isFile()) throw new InputError(`${input}: is not a regular file`);
    if (stat.size > MAX_INPUT_BYTES) throw new InputError(`${input}: ${stat.size} bytes is more than the ${MAX_INPUT_BYTES} bytes this command reads`);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(input);
    } catch (e) {
      throw new InputError(`${input}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    return parseText(input, decode(input, bytes), CNI_EXTENSIONS.includes(path.extname(input)) ? 'cni' : 'manifest');
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    unreadable.push(e.message);
    return [];
  }
}

function statOf(input: string): fs.Stats {
  try {
    return fs.statSync(input);
  } catch (e) {
    throw new InputError(`${input}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * Standard input, read in chunks up to one byte past `limit`, so that an endless stream
 * (`/dev/zero`) or a huge one is refused without being held whole.
 */
export function readBounded(fd: number, limit = MAX_INPUT_BYTES): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const chunk = Buffer.alloc(1024 * 1024);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(fd, chunk, 0, chunk.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((e as NodeJS.ErrnoException).code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(chunk.subarray(0, n)));
    total += n;
    if (total > limit) break;
  }
  return Buffer.concat(chunks);
}

function decode(name: string, bytes: Buffer): string {
  if (bytes.length > MAX_INPUT_BYTES) throw new InputError(`${name}: more than the ${MAX_INPUT_BYTES} bytes this command reads`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new InputError(`${name}: is not UTF-8 text (invalid byte 0x${bytes[at].toString(16)} at offset ${at}, line ${lineOf(bytes, at)})`);
  }
}

function firstInvalidUtf8(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] < 0x80) continue;
    const len = bytes[i] >= 0xf0 ? 4 : bytes[i] >= 0xe0 ? 3 : bytes[i] >= 0xc0 ? 2 : 0;
    if (len === 0) return i;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(i, i + len));
      i += len - 1;
    } catch {
      return i;
    }
  }
  return 0;
}

function lineOf(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/**
 * Parses YAML or JSON documents; `kind: List` is expanded into its items. A CNI config file is
 * judged as the NetworkAttachmentDefinition that would carry it.
 */
function parseText(name: string, text: string, kind: 'manifest' | 'cni'): ManifestObject[] {
  if (kind === 'cni') {
    let config: unknown;
    try {
      config = parseJson(text);
    } catch (e) {
      throw new InputError(`${name}: is not a JSON CNI config (${(e as Error).message})`);
    }
    const base = path.basename(name).replace(/\.(conf|conflist)$/, '').toLowerCase().replace(/[^a-z0-9-]/g, '-');
    const manifest = { apiVersion: `${facts.NAD_GROUP}/v1`, kind: facts.NAD_KIND, metadata: { name: base }, spec: { config: JSON.stringify(config) } };
    const cniLines = new LineCounter();
    cniLines.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) cniLines.addNewLine(i + 1);
    TEXTS.set(manifest, { text, lines: cniLines });
    return [{ manifest, source: `${name}:1` }];
  }
  const lines = new LineCounter();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false });
  } catch (e) {
    if (e instanceof RangeError) throw new InputError(`${name}: nested more than ${MAX_DEPTH} levels deep`);
    throw e;
  }
  const docList = Array.isArray(docs) ? docs : [docs];
  const out: ManifestObject[] = [];
  for (const doc of docList) {
    const problem = doc.errors[0];
    // The parser recurses: how deep it gets depends on the stack left, so depth is judged by one rule.
    if (problem && /Maximum call stack size exceeded/.test(problem.message)) throw new InputError(`${name}: nested more than ${MAX_DEPTH} levels deep`);
    if (problem) {
      const at = lines.linePos(problem.pos[0]);
      throw new InputError(`${name}:${at.line}: malformed YAML: ${problem.message.split('\n')[0]}`);
    }
    if (doc.contents === null) continue;
    const line = lines.linePos(doc.contents.range?.[0] ?? 0).line;
    let value: any;
    try {
      value = plainData(doc.toJS({ maxAliasCount: 1000 }));
    } catch (e) {
      throw new InputError(`${name}:${line}: ${e instanceof RangeError ? `nested more than ${MAX_DEPTH} levels deep` : (e as Error).message}`);
    }
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new InputError(`${name}:${line}: a document must be a Kubernetes object (a mapping with kind), got ${Array.isArray(value) ? 'a list' : typeof value}`);
    }
    if (value.kind === 'List' || (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items))) {
      const items = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
      (Array.isArray(value.items) ? value.items : []).forEach((item: any, i: number) => {
        const node = isSeq(items) ? items.items[i] : undefined;
        const itemLine = node && typeof node === 'object' && 'range' in node && (node as any).range ? lines.linePos((node as any).range[0]).line : line;
        out.push(withText({ manifest: item, source: `${name}:${itemLine}` }, { text, lines, node }));
      });
      continue;
    }
    if (typeof value.kind !== 'string') throw new InputError(`${name}:${line}: the document has no kind`);
    out.push(withText({ manifest: value, source: `${name}:${line}` }, { text, lines, node: doc.contents }));
  }
  return out;
}

/** The text each object was read from, for the positions of its fields. */
const TEXTS = new WeakMap<object, ObjectText>();

/** An object read from YAML, with the keys its text defines twice; its text is kept for positions. */
function withText(o: ManifestObject, t: ObjectText): ManifestObject {
  if (o.manifest === null || typeof o.manifest !== 'object') return o;
  TEXTS.set(o.manifest, t);
  const twice = duplicateKeys(t.node, t.lines).map((d) => `${d.path} (lines ${d.lines.join(', ')})`);
  return twice.length > 0 ? { ...o, duplicateKeys: twice } : o;
}

/** Where a finding points: the file, and the line and column of its field (else the object's line). */
type Locator = (f: { source?: string; field: string; kind: string; name: string }) => { file: string; position: Position } | undefined;

function locator(objects: ManifestObject[]): Locator {
  // Objects of one line (a List written in flow style) share a source: the kind and name tell them apart.
  const bySource = new Map<string | undefined, any[]>();
  for (const o of objects) bySource.set(o.source, [...(bySource.get(o.source) ?? []), o.manifest]);
  return (f) => {
    const [file, line] = splitSource(f.source);
    if (!file) return undefined;
    const candidates = bySource.get(f.source) ?? [];
    const manifest = candidates.length === 1 ? candidates[0] : candidates.find((m) => m?.kind === f.kind && `${m?.metadata?.name ?? ''}` === f.name);
    const t = manifest && typeof manifest === 'object' ? TEXTS.get(manifest) : undefined;
    return { file, position: (t && locate(t, f.field)) ?? { line, column: 0 } };
  };
}

function render(format: Options['format'], verdict: Verdict, objectCount: number, layout: ICniNodeLayout, at: Locator = () => undefined): string {
  const { findings, suppressed, notJudged } = verdict;
  const errors = findings.filter((f) => f.severity === Severity.ERROR).length;
  const warnings = findings.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const extra = [suppressed.length > 0 ? `, ${suppressed.length} suppressed` : '', notJudged.length > 0 ? `, ${notJudged.length} not judged` : ''].join('');
  const summary = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}${extra} in ${plural(objectCount, 'object')} ` +
    `(layout ${layout.layoutName}: ${layout.confDir}, ${layout.binDir})`;
  // Each finding at its field's line and column, where the text shows them.
  const place = <T extends { source?: string; field: string; kind: string; name: string }>(f: T) => {
    const p = at(f)?.position;
    return p ? { ...f, line: p.line, ...(p.column > 0 ? { column: p.column } : {}) } : f;
  };
  const pointer = (f: { source?: string; field: string; kind: string; name: string }) => {
    const a = at(f);
    return a ? `${a.file}:${a.position.line}${a.position.column > 0 ? `:${a.position.column}` : ''}` : f.source ?? '-';
  };
  if (format === 'json') {
    return JSON.stringify({
      findings: findings.map(place),
      suppressed: suppressed.map(place),
      notJudged: notJudged.map(place),
      summary: { errors, warnings, suppressed: suppressed.length, notJudged: notJudged.length, objects: objectCount, layout: layout.layoutName },
    }, undefined, 2) + '\n';
  }
  if (format === 'sarif') return JSON.stringify(sarif(verdict, at), undefined, 2) + '\n';
  const where = (f: { namespace?: string; name: string; kind: string }) => `${f.kind} ${f.namespace ? `${f.namespace}/` : ''}${f.name}`;
  const lines = findings.map((f) => `${pointer(f)}: ${f.severity} ${f.ruleId}: ${where(f)} ${f.field}\n` +
    `  ${f.message}\n  found:    ${f.found}\n  expected: ${f.expected}\n  fix:      ${f.fix}`);
  if (suppressed.length > 0) {
    lines.push('suppressed:', ...suppressed.map((f) => `  ${pointer(f)}: ${f.severity} ${f.ruleId}: ${where(f)} ${f.field}: ${f.message}\n    reason: ${f.reason}`));
  }
  if (notJudged.length > 0) {
    lines.push('not judged:', ...notJudged.map((n) => `  ${pointer(n)}: ${n.ruleId}: ${where(n)} ${n.field}\n    ${n.missing}`));
  }
  return [...lines, summary].join('\n') + '\n';
}

/** SARIF 2.1.0, so that code-scanning UIs show findings at their file and line. */
function sarif({ findings, suppressed, notJudged }: Verdict, at: Locator): any {
  const rules = MultusRules.all;
  const location = (f: { source?: string; field: string; kind: string; name: string }) => {
    const a = at(f);
    if (!a) return [];
    const region = { startLine: a.position.line, ...(a.position.column > 0 ? { startColumn: a.position.column } : {}) };
    return [{ physicalLocation: { artifactLocation: { uri: a.file }, region } }];
  };
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'cdk8s-multus lint',
          informationUri: 'https://github.com/cdk8s-multus/cdk8s-multus',
          rules: rules.map((r) => ({
            id: r.id,
            shortDescription: { text: r.summary },
            fullDescription: { text: `${r.summary} Catches: ${r.catches}` },
            defaultConfiguration: { level: r.severity === Severity.ERROR ? 'error' : 'warning' },
          })),
        },
      },
      // A suppressed finding stays a result, with the suppression and its reason (SARIF 2.1.0 §3.35).
      results: [...findings, ...suppressed].map((f) => ({
        ruleId: f.ruleId,
        ruleIndex: rules.findIndex((r) => r.id === f.ruleId),
        level: f.severity === Severity.ERROR ? 'error' : 'warning',
        message: { text: `${f.kind} ${f.namespace ? f.namespace + '/' : ''}${f.name} ${f.field}: ${f.message}. Found: ${f.found}. Expected: ${f.expected}. Fix: ${f.fix}.` },
        locations: location(f),
        ...('reason' in f ? { suppressions: [{ kind: 'inSource', status: 'accepted', justification: (f as any).reason }] } : {}),
      })),
      // What could not be judged is not a result about the code but about the run: a tool
      // notification (SARIF 2.1.0 §3.58), level "note", which code-scanning never counts as a failure.
      invocations: [{
        executionSuccessful: true,
        toolExecutionNotifications: notJudged.map((n) => ({
          associatedRule: { id: n.ruleId, index: rules.findIndex((r) => r.id === n.ruleId) },
          level: 'note',
          message: { text: `not judged: ${n.kind} ${n.namespace ? n.namespace + '/' : ''}${n.name} ${n.field}: ${n.missing}` },
          locations: location(n),
        })),
      }],
    }],
  };
}

function splitSource(source: string | undefined): [string | undefined, number] {
  const m = source?.match(/^(.*):(\d+)$/);
  return m ? [m[1], Number(m[2])] : [source, 1];
}
