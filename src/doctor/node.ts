// What doctor knows of the node before judging it: containerd's CNI dirs, the config files in load
// order, Multus's own config, and the NetworkAttachmentDefinitions the cluster uses.
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { parseJson, plainData } from '../_json';
import * as facts from '../cni/facts';
import { pluginTypes } from '../cni/plugins';
import { ICniNodeLayout } from '../layout';
import { HostRoot } from './_host';
import { LayoutChoice, layoutOf, readRuntimeCni, RuntimeCni } from './containerd';
import { CannotInspect } from './finding';

/** A file in a CNI config dir, read and parsed. */
export interface ConfFile {
  readonly name: string;
  /** Its host path. */
  readonly path: string;
  /** Its JSON, when it parses. */
  readonly config?: any;
  /** Why containerd (go-cni over libcni) would refuse it, when it would. */
  readonly invalid?: string;
  /** Which Multus wrote it, when it is Multus's own config. */
  readonly multus?: 'thick' | 'thin';
}

/** A NetworkAttachmentDefinition the cluster uses, with its CNI config. */
export interface Nad {
  /** `namespace/name`. */
  readonly name: string;
  readonly config: any;
}

/** Everything the checks look at, read once. */
export interface NodeFacts {
  readonly root: HostRoot;
  readonly runtime: RuntimeCni;
  /** The library's layout that matches what containerd uses. */
  readonly layout: ICniNodeLayout;
  /** The layout construct and props a chart needs for this node. */
  readonly layoutChoice: LayoutChoice;
  readonly confDirExists: boolean;
  /** The files containerd considers, in the order it loads them; the first is the default network. */
  readonly confFiles: ConfFile[];
  /** Other regular files in the conf dir, which containerd never loads (`*.cilium_bak`, say). */
  readonly otherFiles: ConfFile[];
  /** Multus's config among the files containerd considers. */
  readonly multus?: ConfFile;
  /** The primary network's config: the first file that is not Multus's. */
  readonly primary?: ConfFile;
  /** The NADs given with --manifests; undefined when none were given. */
  readonly nads?: Nad[];
}

/** Reads the node under `root`; throws CannotInspect when containerd's config cannot be found. */
export function readNode(root: HostRoot, manifests?: { source: string; text: string }[]): NodeFacts {
  const runtime = readRuntimeCni(root);
  const names = root.readDir(runtime.confDir);
  const files = (names ?? []).flatMap((name) => {
    const host = path.posix.join(runtime.confDir, name);
    const st = root.lstat(host);
    // libcni ConfFiles skips directories (a link is not one), then keeps the three extensions.
    if (!st || st.isDirectory()) return [];
    return [readConfFile(root, host)];
  });
  const loaded = files.filter((f) => facts.CNI_CONFIG_EXTENSIONS.includes(path.posix.extname(f.name)));
  const primary = loaded.find((f) => !f.multus);
  const layoutChoice = layoutOf(runtime, primaryName(primary), primary?.name);
  return {
    root,
    runtime,
    layout: layoutChoice.layout,
    layoutChoice,
    confDirExists: names !== undefined,
    confFiles: loaded,
    otherFiles: files.filter((f) => !loaded.includes(f)),
    multus: loaded.find((f) => f.multus),
    primary,
    nads: manifests?.flatMap((m) => readNads(m.source, m.text)),
  };
}

/** A config file as containerd's go-cni judges it (opts.go loadFromConfDir, libcni conf.go). */
export function readConfFile(root: HostRoot, host: string): ConfFile {
  const name = path.posix.basename(host);
  const text = root.readText(host);
  if (text === undefined) return { name, path: host, invalid: 'cannot be read' };
  let config: any;
  try {
    config = parseJson(text);
  } catch (e) {
    return { name, path: host, invalid: `not JSON (${(e as Error).message})` };
  }
  const multus = multusKind(config);
  const invalid = libcniProblem(name, config);
  return { name, path: host, config, ...(invalid ? { invalid } : {}), ...(multus ? { multus } : {}) };
}

/** Why libcni refuses a config: a `.conflist` needs a name and plugins with types, anything else a type. */
function libcniProblem(name: string, config: any): string | undefined {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return 'not a JSON object';
  if (name.endsWith('.conflist')) {
    if (typeof config.name !== 'string') return 'a .conflist without a "name"';
    if (!Array.isArray(config.plugins)) return 'a .conflist without a "plugins" list';
    if (config.plugins.length === 0) return 'a .conflist with no plugins';
    const untyped = config.plugins.findIndex((p: any) => typeof p?.type !== 'string' || !p.type);
    return untyped >= 0 ? `plugins[${untyped}] has no "type"` : undefined;
  }
  return typeof config.type === 'string' && config.type ? undefined : 'no "type" (a conflist in a .conf file?)';
}

/** Which Multus a config is: the thick plugin's shim or the thin plugin. */
export function multusKind(config: any): 'thick' | 'thin' | undefined {
  const type = Array.isArray(config?.plugins) ? config.plugins[0]?.type : config?.type;
  if (type === facts.MULTUS_SHIM) return 'thick';
  if (type === facts.MULTUS_THIN_PLUGIN) return 'thin';
  return undefined;
}

/** The name of a primary CNI from its config: its first plugin's type, less a `-cni` suffix. */
function primaryName(primary: ConfFile | undefined): string | undefined {
  const first = primary?.config ? pluginTypes(primary.config)[0] : undefined;
  return first?.replace(/-cni$/, '');
}

/** The NADs in a YAML or JSON manifest file (multi-document, `kind: List` expanded). */
function readNads(source: string, text: string): Nad[] {
  const out: Nad[] = [];
  for (const doc of parseAllDocuments(text, { uniqueKeys: false }) as any[]) {
    if (doc.errors?.length) throw new CannotInspect(`${source}: malformed YAML (${doc.errors[0].message.split('\n')[0]})`);
    const value: any = plainData(doc.toJS({ maxAliasCount: 1000 }));
    const items = Array.isArray(value?.items) ? value.items : [value];
    for (const o of items) {
      if (o?.kind !== facts.NAD_KIND) continue;
      const name = `${o.metadata?.namespace ?? 'default'}/${o.metadata?.name}`;
      let config: any;
      try {
        config = typeof o.spec?.config === 'string' ? parseJson(o.spec.config) : undefined;
      } catch {
        config = undefined;
      }
      out.push({ name, config });
    }
  }
  return out;
}
