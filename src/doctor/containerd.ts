// containerd's config: which CNI dirs the runtime really uses, read from the file it loads (k3s
// renders <data-dir>/agent/etc/containerd/config.toml at every start; elsewhere containerd reads
// /etc/containerd/config.toml), never assumed from the distribution.
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import * as facts from '../cni/facts';
import { ExternalPrimaryCniOptions, ICniNodeLayout, K3sLayout, PrimaryCni, StandardLayout } from '../layout';
import { HostRoot } from './_host';
import { parseToml } from './_toml';
import { CannotInspect, DoctorFinding, findingsOf } from './finding';
import { Severity } from '../rules/finding';

/** The CNI dirs the runtime uses, and where that was read. */
export interface RuntimeCni {
  readonly distro: 'k3s' | 'standard';
  /** k3s's data dir, on k3s. */
  readonly dataDir?: string;
  /** Where the data dir was learned: k3s's config file, or its default. */
  readonly dataDirSource?: string;
  /** The versioned dir `data/current` points at (the running release's), on k3s. */
  readonly currentRelease?: string;
  /** The containerd config read, or undefined when containerd runs on its defaults. */
  readonly configFile?: string;
  readonly confDir: string;
  /** containerd's bin dirs, searched in this order. */
  readonly binDirs: string[];
}

/** Reads k3s's data dir and containerd's CNI dirs; throws CannotInspect when neither is there. */
export function readRuntimeCni(root: HostRoot): RuntimeCni {
  const k3s = k3sDataDir(root);
  const k3sConfig = path.posix.join(k3s.dataDir, facts.K3S_CONTAINERD_CONFIG_UNDER_DATA);
  const k3sText = root.readText(k3sConfig);
  if (k3sText !== undefined) {
    const link = root.readLink(path.posix.join(k3s.dataDir, facts.K3S_CURRENT_LINK_UNDER_DATA));
    return {
      distro: 'k3s',
      dataDir: k3s.dataDir,
      dataDirSource: k3s.source,
      currentRelease: link === undefined ? undefined : path.posix.basename(link),
      configFile: k3sConfig,
      ...cniSection(k3sConfig, k3sText),
    };
  }
  const text = root.readText(facts.STANDARD_CONTAINERD_CONFIG);
  if (text !== undefined) return { distro: 'standard', configFile: facts.STANDARD_CONTAINERD_CONFIG, ...cniSection(facts.STANDARD_CONTAINERD_CONFIG, text) };
  if (root.stat(k3s.dataDir)?.isDirectory()) {
    throw new CannotInspect(`${k3sConfig} cannot be read: k3s's data dir ${k3s.dataDir} is there, but k3s has not written containerd's config (is the k3s agent running?)`);
  }
  // containerd with no config file runs on its defaults.
  if (root.stat(facts.STANDARD_CONF_DIR)?.isDirectory()) return { distro: 'standard', confDir: facts.STANDARD_CONF_DIR, binDirs: [facts.STANDARD_BIN_DIR] };
  throw new CannotInspect(`no container runtime config: neither ${k3sConfig} (k3s, data dir from ${k3s.source}) nor ${facts.STANDARD_CONTAINERD_CONFIG}, and no ${facts.STANDARD_CONF_DIR}`);
}

/** k3s's data dir: `data-dir` from its config file and drop-ins (the last one wins), or the default. */
function k3sDataDir(root: HostRoot): { dataDir: string; source: string } {
  const dropins = (root.readDir(facts.K3S_CONFIG_DROPIN_DIR) ?? []).filter((n) => /\.ya?ml$/.test(n)).map((n) => `${facts.K3S_CONFIG_DROPIN_DIR}/${n}`);
  let found = { dataDir: facts.K3S_DEFAULT_DATA_DIR, source: 'k3s\'s default' };
  for (const file of [facts.K3S_CONFIG_FILE, ...dropins]) {
    const text = root.readText(file);
    if (text === undefined) continue;
    let config: any;
    try {
      config = parseYaml(text);
    } catch (e) {
      throw new CannotInspect(`${file} is not YAML (${(e as Error).message.split('\n')[0]}); k3s refuses to start with it`);
    }
    const value = config?.['data-dir'];
    if (typeof value === 'string' && value.startsWith('/')) found = { dataDir: path.posix.normalize(value), source: file };
  }
  return found;
}

/**
 * The CNI section of containerd's config: `[plugins."io.containerd.cri.v1.runtime".cni]` in a
 * version 3 file (containerd 2.x), `[plugins."io.containerd.grpc.v1.cri".cni]` in version 2, with
 * `bin_dirs` (2.x) or `bin_dir`; containerd's defaults where a key is absent (docs/cri/config.md).
 */
function cniSection(file: string, text: string): { confDir: string; binDirs: string[] } {
  let config: any;
  try {
    config = parseToml(text);
  } catch (e) {
    throw new CannotInspect(`${file} is not TOML (${(e as Error).message}); containerd cannot start with it`);
  }
  const cni = config?.plugins?.['io.containerd.cri.v1.runtime']?.cni ?? config?.plugins?.['io.containerd.grpc.v1.cri']?.cni ?? {};
  const binDirs = Array.isArray(cni.bin_dirs) ? cni.bin_dirs.filter((d: unknown) => typeof d === 'string')
    : typeof cni.bin_dir === 'string' ? [cni.bin_dir] : [facts.STANDARD_BIN_DIR];
  return { confDir: typeof cni.conf_dir === 'string' ? cni.conf_dir : facts.STANDARD_CONF_DIR, binDirs };
}

/** Whether a k3s bin dir is a versioned one of the releases before `data/cni`. */
export function isLegacyK3sBinDir(runtime: RuntimeCni, dir: string): boolean {
  if (!runtime.dataDir) return false;
  const rel = path.posix.relative(runtime.dataDir, dir);
  return rel === facts.K3S_LEGACY_BIN_DIR_UNDER_DATA || /^data\/[^/]+\/bin$/.test(rel) && rel !== facts.K3S_BIN_DIR_UNDER_DATA;
}

/** The layout construct a chart needs for this node, with its props. */
export interface LayoutChoice {
  readonly construct: 'K3sCniPaths' | 'StandardCniPaths';
  /** Its props other than the primary CNI and the plugins. */
  readonly props: { dataDir?: string; legacyVersionedBinDir?: boolean; confDir?: string; binDir?: string };
  /** The primary CNI when it is not k3s's flannel, as `PrimaryCni.external` options. */
  readonly primary?: ExternalPrimaryCniOptions;
  /** The layout, as a value. */
  readonly layout: ICniNodeLayout;
}

/**
 * The library's layout that matches what containerd uses: a K3sLayout (embedded flannel, legacy
 * bin dir, or another primary CNI on containerd's defaults) or a StandardLayout with the dirs found.
 */
export function layoutOf(runtime: RuntimeCni, primaryName: string | undefined, primaryFile: string | undefined): LayoutChoice {
  const binDir = runtime.binDirs[0] ?? facts.STANDARD_BIN_DIR;
  const primary = primaryName ? { name: primaryName, configFileName: primaryFile } : undefined;
  const matches = (l: ICniNodeLayout) => l.confDir.path === runtime.confDir && l.binDir.path === binDir;
  if (runtime.distro === 'k3s') {
    const dataDir = runtime.dataDir === facts.K3S_DEFAULT_DATA_DIR ? undefined : runtime.dataDir;
    const embedded = new K3sLayout({ dataDir });
    if (matches(embedded)) return { construct: 'K3sCniPaths', props: { dataDir }, layout: embedded };
    const legacy = new K3sLayout({ dataDir, legacyVersionedBinDir: true });
    if (embedded.confDir.path === runtime.confDir && isLegacyK3sBinDir(runtime, binDir)) {
      return { construct: 'K3sCniPaths', props: { dataDir, legacyVersionedBinDir: true }, layout: legacy };
    }
    const external = new K3sLayout({ dataDir, primaryCni: PrimaryCni.external(primary ?? { name: 'unknown' }) });
    if (matches(external)) return { construct: 'K3sCniPaths', props: { dataDir }, primary: primary ?? { name: 'unknown' }, layout: external };
  }
  const props = {
    confDir: runtime.confDir === facts.STANDARD_CONF_DIR ? undefined : runtime.confDir,
    binDir: binDir === facts.STANDARD_BIN_DIR ? undefined : binDir,
  };
  return {
    construct: 'StandardCniPaths',
    props,
    primary,
    layout: new StandardLayout({ ...props, primaryCni: primary ? PrimaryCni.external(primary) : undefined }),
  };
}

const finding = findingsOf('containerd');

/** What is wrong in containerd's CNI settings themselves. */
export function checkRuntime(runtime: RuntimeCni): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  if (runtime.distro !== 'k3s' || !runtime.dataDir) return out;
  for (const dir of runtime.binDirs.filter((d) => isLegacyK3sBinDir(runtime, d))) {
    out.push(finding('k3s-legacy-bin-dir', Severity.WARNING, {
      path: runtime.configFile,
      message: `containerd looks up plugins in ${dir}, the versioned bin dir of a k3s release before v1.28.15+k3s1, v1.29.10+k3s1, v1.30.6+k3s1 and v1.31.2+k3s1: every k3s upgrade moves it, and plugins installed there are gone after the upgrade`,
      fix: `upgrade k3s to a release with the fixed ${path.posix.join(runtime.dataDir, facts.K3S_BIN_DIR_UNDER_DATA)}; until then keep K3sCniPaths({ legacyVersionedBinDir: true }) and reinstall the plugins after every upgrade`,
    }));
  }
  return out;
}
