// The CNI config dir: which file containerd loads first, whether it is Multus's and valid, and
// where Multus's config went when it is not there (renamed, shadowed, in another dir, doubled path).
import * as path from 'path';
import { DoctorFinding, findingsOf } from './finding';
import { NodeFacts, readConfFile } from './node';
import * as facts from '../cni/facts';
import { Severity } from '../rules/finding';

const finding = findingsOf('conf-dir');

export function checkConfDir(node: NodeFacts): DoctorFinding[] {
  const { runtime, confFiles, multus } = node;
  const dir = runtime.confDir;
  if (!node.confDirExists) {
    return [finding('conf-dir-missing', Severity.ERROR, {
      path: dir,
      message: `containerd's conf_dir ${dir} (from ${runtime.configFile ?? 'containerd\'s defaults'}) does not exist: the node has no pod network`,
      fix: runtime.distro === 'k3s' ? 'restart k3s, which creates it and writes its primary network config there' : `start the primary CNI, which writes its config into ${dir}`,
    })];
  }
  const out: DoctorFinding[] = [...doubledPrefixes(node)];
  const first = confFiles[0];
  if (!first) {
    out.push(finding('conf-dir-empty', Severity.ERROR, {
      path: dir,
      message: `${dir} holds no ${facts.CNI_CONFIG_EXTENSIONS.join(', ')} file: containerd reports "no network config found" and the node stays NotReady`,
      fix: 'start the primary CNI (k3s writes its flannel config at start), then Multus',
    }));
  } else if (first.invalid) {
    out.push(finding('conf-first-invalid', Severity.ERROR, {
      path: first.path,
      message: `${first.name} sorts first in ${dir}, so containerd loads it as the default network, and it is invalid (${first.invalid}): containerd's CNI load fails and no pod gets a network`,
      fix: `correct ${first.path} or move it out of ${dir}`,
    }));
  }
  const renamed = node.otherFiles.filter((f) => f.multus && f.name.endsWith(facts.CILIUM_RENAMED_SUFFIX));
  for (const f of renamed) {
    out.push(finding('multus-config-renamed', Severity.ERROR, {
      path: f.path,
      message: `Multus's config was renamed to ${f.name} by Cilium (cni.exclusive, on by default, renames every other CNI config to *${facts.CILIUM_RENAMED_SUFFIX}); containerd never loads it, and pods get Cilium's network only`,
      fix: 'set the Cilium Helm value cni.exclusive=false, then restart the Multus daemon pod on this node so that it writes its config again',
    }));
  }
  const elsewhere = runtime.confDir === facts.STANDARD_CONF_DIR ? [] : multusConfigsIn(node, facts.STANDARD_CONF_DIR);
  for (const f of elsewhere) {
    out.push(finding('multus-config-wrong-dir', Severity.ERROR, {
      path: f.path,
      message: `Multus's config lies in ${facts.STANDARD_CONF_DIR}, but containerd on this ${node.layout.layoutName} node loads configs from ${dir} only (its conf_dir)`,
      fix: `deploy Multus with the node's layout (${node.layout.layoutName === 'k3s' ? 'K3sCniPaths' : 'StandardCniPaths'}; \`cdk8s-multus doctor --layout\` prints it), then remove ${f.path}`,
    }));
  }
  if (!multus) {
    // An invalid first file fails the whole load, reported above; Multus's absence would be a second word for it.
    if (renamed.length === 0 && elsewhere.length === 0 && first && !first.invalid) {
      out.push(finding('multus-config-missing', Severity.ERROR, {
        path: dir,
        message: `no Multus config (type ${facts.MULTUS_SHIM} or ${facts.MULTUS_THIN_PLUGIN}) in ${dir}: containerd runs ${first.name} alone and pods get no extra networks`,
        fix: 'check that the Multus daemon pod runs on this node and that its config dir is this dir (its logs name the dir it writes)',
      }));
    }
  } else if (first && first !== multus) {
    out.push(finding('multus-config-shadowed', Severity.ERROR, {
      path: multus.path,
      message: `${first.name} sorts before Multus's ${multus.name}; containerd loads only the first file, so Multus is never called`,
      fix: `let Multus's config sort first (its default name is 00-multus.conf), or move ${first.path} out of ${dir} if it is a leftover`,
    }));
  } else if (multus.invalid) {
    out.push(finding('conf-first-invalid', Severity.ERROR, {
      path: multus.path,
      message: `Multus's config ${multus.name} is invalid (${multus.invalid})`,
      fix: 'restart the Multus daemon pod so that it writes its config again',
    }));
  }
  return out;
}

/** Multus configs in a dir other than containerd's. */
function multusConfigsIn(node: NodeFacts, dir: string) {
  return (node.root.readDir(dir) ?? [])
    .filter((n) => facts.CNI_CONFIG_EXTENSIONS.includes(path.posix.extname(n)))
    .map((n) => readConfFile(node.root, path.posix.join(dir, n)))
    .filter((f) => f.multus);
}

/**
 * Paths that carry a prefix twice: the data dir inside itself, or a pod mount prefix (`/host`)
 * where a host program reads the path. In Multus's config (the fields the host reads) and on disk,
 * where a hostPath volume with the doubled path created the dirs.
 */
function doubledPrefixes(node: NodeFacts): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  const { runtime, multus } = node;
  const dataDir = runtime.dataDir;
  const doubled = (p: string) => p.startsWith('/host/') || (dataDir !== undefined && p.split(dataDir).length > 2);
  if (multus?.config) {
    // The thin plugin reads every path on the host; the shim reads only these two.
    const hostRead = multus.multus === 'thin' ? stringFields(multus.config) : [['daemonSocketDir', multus.config.daemonSocketDir], ['logFile', multus.config.logFile]];
    for (const [field, value] of hostRead) {
      if (typeof value !== 'string' || !doubled(value)) continue;
      out.push(finding('doubled-prefix', Severity.ERROR, {
        path: multus.path,
        message: `${multus.name} field ${field} is ${value}: ${value.startsWith('/host/') ? 'a pod path (mount prefix /host), but the host reads it' : `the data dir ${dataDir} twice`}`,
        fix: 'give the chart host paths from the node layout (K3sCniPaths), not prefixed by hand; the library writes each field in its own path space',
      }));
    }
  }
  // Dirs made on disk by a hostPath volume with a doubled path (DirectoryOrCreate): under the data
  // dir, under its agent dir (where the config dir lies), or under the pod mount prefix /host.
  const agentDir = dataDir && path.posix.join(dataDir, facts.K3S_CONF_DIR_UNDER_DATA.split('/')[0]);
  const prefixes = [...(dataDir && agentDir ? [dataDir, agentDir] : []), '/host'];
  for (const prefix of prefixes) {
    for (const dir of [runtime.confDir, ...runtime.binDirs]) {
      const candidate = path.posix.join(prefix, dir);
      if (candidate === dir || !node.root.stat(candidate)?.isDirectory()) continue;
      out.push(finding('doubled-prefix', Severity.ERROR, {
        path: candidate,
        message: `${candidate} exists: ${dir} with ${prefix} in front, made by a hostPath volume whose path was prefixed twice; what is written there (such as 00-multus.conf or plugins) is never read by containerd, which uses ${dir}`,
        fix: `correct the chart's hostPath to ${dir} (K3sCniPaths gives it), then remove ${candidate}`,
      }));
    }
  }
  return out;
}

/** Every string field of a config, with its path (`delegates[0].kubeconfig`). */
function stringFields(value: any, at = ''): [string, string][] {
  if (typeof value === 'string') return [[at, value]];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => stringFields(v, Array.isArray(value) ? `${at}[${k}]` : at ? `${at}.${k}` : k));
}
