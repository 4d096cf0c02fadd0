// The CNI bin dir(s) containerd searches: Multus's binary and every plugin the node's networks run
// present and executable, k3s's symlinks resolving, and plugins left where containerd never looks.
import * as fs from 'fs';
import * as path from 'path';
import { isExecutable, permissionBits } from './_host';
import { DoctorFinding, findingsOf } from './finding';
import { NodeFacts } from './node';
import * as facts from '../cni/facts';
import { pluginTypes } from '../cni/plugins';
import { Severity } from '../rules/finding';

const finding = findingsOf('bin-dir');

/** Where a plugin was found, with its status. */
interface Found {
  readonly path: string;
  readonly stat: fs.Stats;
}

export function checkBinDir(node: NodeFacts): DoctorFinding[] {
  const { runtime, root } = node;
  const out: DoctorFinding[] = [];
  for (const dir of runtime.binDirs) {
    const names = root.readDir(dir);
    if (names === undefined) {
      out.push(finding('bin-dir-missing', Severity.ERROR, {
        path: dir,
        message: `containerd's bin dir ${dir} (from ${runtime.configFile ?? 'containerd\'s defaults'}) does not exist: no plugin can run`,
        fix: runtime.distro === 'k3s' ? 'restart k3s, which recreates its bin dir' : 'install the primary CNI\'s plugins',
      }));
      continue;
    }
    const dangling = names.filter((n) => root.lstat(path.posix.join(dir, n))?.isSymbolicLink() && !root.stat(path.posix.join(dir, n)));
    if (dangling.length > 0) {
      const first = path.posix.join(dir, dangling[0]);
      out.push(finding('symlink-dangling', Severity.ERROR, {
        path: first,
        message: `${dangling.join(', ')} in ${dir} ${dangling.length === 1 ? 'is a link' : 'are links'} to nothing (${first} -> ${root.readLink(first)}): containerd fails with "failed to find plugin"`,
        fix: runtime.distro === 'k3s' ? 'restart k3s, which rewrites its links into the running release; reinstall other plugins into the bin dir' : `reinstall ${dangling.join(', ')}`,
      }));
    }
  }
  const binary = node.multus ? (node.multus.multus === 'thick' ? facts.MULTUS_SHIM : facts.MULTUS_THIN_PLUGIN) : undefined;
  if (binary) out.push(...checkPlugin(node, binary, `Multus's config ${node.multus!.name}`, true));
  for (const [plugin, users] of neededPlugins(node)) out.push(...checkPlugin(node, plugin, users.join(', '), false));
  return out;
}

/** Every plugin the node's networks run, with who needs it: the primary config, Multus's delegates, the NADs. */
export function neededPlugins(node: NodeFacts): Map<string, string[]> {
  const needs = new Map<string, string[]>();
  const add = (config: any, user: string) => {
    for (const p of pluginTypes(config)) {
      if (p === facts.MULTUS_SHIM || p === facts.MULTUS_THIN_PLUGIN) continue;
      needs.set(p, [...(needs.get(p) ?? []), user]);
    }
  };
  if (node.primary?.config) add(node.primary.config, node.primary.name);
  if (node.multus?.multus === 'thin') {
    for (const d of Array.isArray(node.multus.config?.delegates) ? node.multus.config.delegates : []) add(d, `${node.multus.name} delegates`);
  }
  for (const nad of node.nads ?? []) add(nad.config, `NAD ${nad.name}`);
  return needs;
}

function checkPlugin(node: NodeFacts, plugin: string, users: string, isMultus: boolean): DoctorFinding[] {
  const { runtime } = node;
  const found = findIn(node, runtime.binDirs, plugin);
  if (found) {
    if (isExecutable(found.stat)) return [];
    return [finding(isMultus ? 'multus-binary-not-executable' : 'plugin-not-executable', Severity.ERROR, {
      path: found.path,
      message: `${found.path}, which ${users} runs, is not an executable file (mode ${permissionBits(found.stat).toString(8).padStart(4, '0')}): containerd cannot exec it`,
      fix: `chmod 0755 ${found.path}, and fix the installer that wrote it`,
    })];
  }
  const where = `containerd's bin dir${runtime.binDirs.length === 1 ? '' : 's'} ${runtime.binDirs.join(', ')}`;
  const legacy = findIn(node, legacyDirs(node), plugin);
  if (legacy) {
    return [finding('plugin-in-legacy-bin-dir', Severity.ERROR, {
      path: legacy.path,
      message: `${plugin}, which ${users} runs, lies in ${path.posix.dirname(legacy.path)}, a versioned k3s bin dir of the layout before data/cni, but containerd looks up plugins in ${where} only: after the k3s upgrade, pods fail with: failed to find plugin "${plugin}" in path [${runtime.binDirs.join(' ')}]`,
      fix: `install ${plugin} into ${runtime.binDirs[0]} (the default K3sCniPaths, without legacyVersionedBinDir, makes the chart's installer do so)`,
    })];
  }
  const standard = runtime.binDirs.includes(facts.STANDARD_BIN_DIR) ? undefined : findIn(node, [facts.STANDARD_BIN_DIR], plugin);
  if (standard && isMultus) {
    return [finding('multus-binary-wrong-dir', Severity.ERROR, {
      path: standard.path,
      message: `${plugin} was installed into ${facts.STANDARD_BIN_DIR}, but containerd looks up plugins in ${where} only: every pod fails with: failed to find plugin "${plugin}" in path [${runtime.binDirs.join(' ')}]`,
      fix: `install Multus with the node's layout (K3sCniPaths), so that its installer writes into ${runtime.binDirs[0]}; then remove ${standard.path}`,
    })];
  }
  return [finding(isMultus ? 'multus-binary-missing' : 'plugin-missing', Severity.ERROR, {
    path: path.posix.join(runtime.binDirs[0] ?? facts.STANDARD_BIN_DIR, plugin),
    message: `${plugin}, which ${users} runs, is not in ${where}${standard ? ` (it is in ${facts.STANDARD_BIN_DIR}, which containerd does not search)` : ''}: pods fail with: failed to find plugin "${plugin}" in path [${runtime.binDirs.join(' ')}]`,
    fix: isMultus
      ? 'check the Multus daemon pod\'s install init container on this node (its logs), and that it installs into the bin dir above'
      : `add a network of that type to the chart with the node's layout, whose installer puts ${plugin} into ${runtime.binDirs[0]}; or install it there by hand on every node`,
  })];
}

/** The first dir holding `plugin`, with its links followed inside the root. */
function findIn(node: NodeFacts, dirs: string[], plugin: string): Found | undefined {
  for (const dir of dirs) {
    const p = path.posix.join(dir, plugin);
    const stat = node.root.stat(p);
    if (stat) return { path: p, stat };
  }
  return undefined;
}

/** k3s's versioned bin dirs (`<data dir>/data/<release>/bin`) that containerd does not search. */
function legacyDirs(node: NodeFacts): string[] {
  const { dataDir } = node.runtime;
  if (!dataDir) return [];
  const data = path.posix.join(dataDir, facts.K3S_SYMLINK_ROOT_UNDER_DATA);
  const skip = [path.posix.basename(facts.K3S_BIN_DIR_UNDER_DATA), path.posix.basename(facts.K3S_CURRENT_LINK_UNDER_DATA)];
  return (node.root.readDir(data) ?? [])
    .filter((n) => !skip.includes(n))
    .map((n) => path.posix.join(data, n, 'bin'))
    .filter((d) => !node.runtime.binDirs.includes(d));
}
