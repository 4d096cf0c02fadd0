import { argvOf, asArray, asText, parseJson } from '../_json';
import * as facts from '../cni/facts';
import { CONFIG_INSTALLER_ENV_SOURCE, CONFIG_INSTALLER_ENV_TARGET, INSTALLER_ENV_PLUGINS, INSTALLER_ENV_TARGET, installedPlugins } from '../cni/installer';
import { ICniNodeLayout } from '../layout/layout';
import { MountTable } from '../mount-table';
import { HostPath, PodPath } from '../paths';
import type { FindingDetails } from './_define';
import { ManifestObject } from './finding';

/** An object of the input, with the handles the rules need. */
export interface Obj {
  readonly manifest: any;
  readonly source?: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** Keys its source text defines twice in one mapping (see ManifestObject.duplicateKeys). */
  readonly duplicateKeys: string[];
  /** For a NetworkAttachmentDefinition: its spec.config as parsed, once, by the first rule that reads it. */
  parsedConfig?: { readonly value?: unknown; readonly error?: string };
}

/** An object that makes pods, with the metadata its pods get. */
export interface PodMaker {
  readonly owner: Obj;
  readonly metadata: any;
  /** Where that metadata is written, such as `spec.template.metadata`. */
  readonly metadataField: string;
}

/** A container that installs plugins into a host dir. */
export interface Installer {
  readonly owner: Obj;
  readonly container: string;
  /** The field that names the target dir. */
  readonly targetField: string;
  readonly target: PodPath;
  readonly mounts: MountTable;
  /** The plugins it installs. */
  readonly plugins: string[];
}

/** The thick Multus daemon of one workload. */
/**
 * An init container of the daemon's pod that writes Multus's config file into the node's CNI
 * config dir from a ConfigMap (`MultusConfigLifetime.PERSISTENT`), read off its environment.
 */
export interface ConfigWriter {
  readonly container: string;
  /** The field of its env, for findings. */
  readonly field: string;
  readonly mounts: MountTable;
  /** The env values as written. */
  readonly sourceValue?: string;
  readonly dirValue?: string;
  /** The file's name, which it keeps in the config dir. */
  readonly fileName?: string;
  /** The file's content, when the source is a mounted ConfigMap key that exists. */
  readonly text?: string;
  /** The ConfigMap that holds it. */
  readonly configMap?: Obj;
  /** Why the content could not be read. */
  readonly sourceProblem?: string;
}

export interface ThickDaemon {
  readonly owner: Obj;
  readonly podSpec: any;
  readonly container: any;
  readonly containerIndex: number;
  readonly mounts: MountTable;
  readonly configPath: PodPath;
  /** The parsed daemon-config.json, when it could be found and parsed. */
  readonly config?: { [key: string]: any };
  /** The ConfigMap that carries it. */
  readonly configMap?: Obj;
  /** Why the config could not be found or read, against the object that is wrong. */
  readonly configProblem?: FindingDetails & { readonly holder: Obj };
  /** The writer of a persistent Multus config in the same pod, if any. */
  readonly configWriter?: ConfigWriter;
  /**
   * With partial input: the ConfigMap the daemon mounts its config from, which is not in the
   * input, so nothing that depends on the config can be judged.
   */
  readonly configMissing?: { readonly configMapName: string; readonly field: string };
}

/** How the input is to be taken. */
export interface ModelOptions {
  /** The ids of the rules that suppression annotations may name. */
  readonly suppressible?: readonly string[];
  /**
   * Whether the input may be only part of what runs on the nodes (lint on files from elsewhere):
   * what a rule needs from a missing part is then not judged rather than reported missing. At
   * synth the app is the whole deployment.
   */
  readonly partialInput?: boolean;
  /** Whether the plugins on the nodes were declared (lint --node-plugins), so that a NAD alone is judged against them. */
  readonly nodePluginsDeclared?: boolean;
}

/** A ConfigMap with a daemon-config.json that no Multus daemon of the input reads. */
export interface LoneDaemonConfig {
  readonly configMap: Obj;
  /** The parsed config, when it is a JSON object. */
  readonly config?: { [key: string]: any };
  /** Why it could not be read, when it could not. */
  readonly problem?: string;
}

/** Everything the rules look at, derived once from the input. */
export class Model {
  public readonly objects: Obj[];
  public readonly daemons: ThickDaemon[] = [];
  public readonly installers: Installer[] = [];
  public readonly nads: Obj[];
  /** Pods, and workloads with a pod template. */
  public readonly podMakers: PodMaker[] = [];
  /** Containers that run the thin plugin's entrypoint, with their command line. */
  public readonly thinDaemons: { owner: Obj; container: string; argv: string[]; mounts: MountTable; field: string }[] = [];
  /** Whereabouts installer containers, with the pod dirs they were given. */
  public readonly whereaboutsInstallers: {
    owner: Obj;
    container: string;
    mounts: MountTable;
    env: Map<string, string>;
    field: string;
    /** Whether the container goes on to run the control loop. */
    controlLoop: boolean;
  }[] = [];
  /** Host files that some container of the input writes, with who writes them. */
  public readonly hostFileWriters: { host: HostPath; writer: string }[] = [];
  /** Containers that run `cdk8s-multus doctor`, with the pod path it reads the host's root at. */
  public readonly doctors: { owner: Obj; container: string; root: string; mounts: MountTable; field: string }[] = [];
  /** Containers that run the dhcp plugin's daemon. */
  public readonly dhcpDaemons: { owner: Obj; container: string; binary: PodPath; mounts: MountTable; field: string }[] = [];

  /**
   * Objects that make a controller deploy Multus at run time (a k3s/RKE2 HelmChart of a Multus
   * chart, its HelmChartConfig, a CNAO NetworkAddonsConfig): the DaemonSet is not in the input.
   */
  public readonly deployedAtRunTime: { readonly owner: Obj; readonly field: string; readonly by: string }[] = [];
  /** Daemon configs that no daemon of the input reads: judged by what they say alone. */
  public readonly loneDaemonConfigs: LoneDaemonConfig[] = [];
  public readonly suppressible: readonly string[];
  public readonly partialInput: boolean;
  public readonly nodePluginsDeclared: boolean;

  /**
   * @param input the objects to judge
   * @param layout the node layout they are meant for
   */
  constructor(input: ManifestObject[], public readonly layout: ICniNodeLayout, options: ModelOptions = {}) {
    this.suppressible = options.suppressible ?? [];
    this.partialInput = options.partialInput ?? false;
    this.nodePluginsDeclared = options.nodePluginsDeclared ?? false;
    this.objects = input
      .filter((o) => o && typeof o.manifest === 'object' && o.manifest !== null && typeof o.manifest.kind === 'string')
      .map((o) => ({
        manifest: o.manifest,
        source: o.source,
        kind: o.manifest.kind,
        namespace: typeof o.manifest.metadata?.namespace === 'string' ? o.manifest.metadata.namespace : undefined,
        name: nameOf(o.manifest.metadata?.name),
        duplicateKeys: o.duplicateKeys ?? [],
        parsedConfig: undefined,
      }));
    this.nads = this.objects.filter((o) => o.kind === facts.NAD_KIND);
    for (const obj of this.objects) {
      const template = podTemplateOf(obj.manifest);
      const podSpec = template?.spec;
      if (!podSpec) continue;
      this.podMakers.push({ owner: obj, metadata: template.metadata, metadataField: template.metadataField });
      // A container without a string name is refused by the API server; there is nothing to judge.
      for (const init of asArray(podSpec.initContainers)) {
        const installer = typeof init?.name === 'string' ? recognizeInstaller(obj, podSpec, init) : undefined;
        if (installer) this.installers.push(installer);
      }
      asArray(podSpec.containers).forEach((c, i) => {
        if (typeof c?.name === 'string') this.readContainer(obj, podSpec, c, i);
      });
    }
    for (const o of this.objects) {
      const deployer = runTimeDeployer(o);
      if (deployer) this.deployedAtRunTime.push({ owner: o, ...deployer });
    }
    const read = new Set(this.daemons.map((d) => d.configMap));
    for (const cm of this.objects) {
      const text = cm.kind === 'ConfigMap' && !read.has(cm) ? cm.manifest.data?.[facts.MULTUS_DAEMON_CONFIG_KEY] : undefined;
      if (typeof text === 'string') this.loneDaemonConfigs.push(readLoneConfig(cm, text));
    }
  }

  /** Whether the input holds something that puts plugins on the nodes: an installer or a Multus daemon. */
  public get installsPlugins(): boolean {
    return this.installers.length > 0 || this.daemons.length > 0 || this.thinDaemons.length > 0;
  }

  /** What one container of a pod spec contributes: a daemon, a writer of host files, an installer. */
  private readContainer(obj: Obj, podSpec: any, c: any, i: number): void {
    const argv = argvOf(c);
    const program = argv.length > 0 ? argv[0].slice(argv[0].lastIndexOf('/') + 1) : undefined;
    if (program === 'multus-daemon') this.daemons.push(this.readDaemon(obj, podSpec, c, i));
    const envList = asArray(c?.env);
    const env = new Map<string, string>();
    for (const e of envList) if (typeof e?.value === 'string') env.set(e.name, e.value);
    const writerFile = tryPod(env.get('KUBECONFIG_FILE'));
    const writtenAt = writerFile && MountTable.fromPodSpec(podSpec, c.name).toHost(writerFile);
    if (writtenAt) this.hostFileWriters.push({ host: writtenAt, writer: `${obj.kind} ${obj.namespace ?? 'default'}/${obj.name} (container ${c.name})` });
    if (argv.some((a) => a.includes('install-cni.sh'))) {
      const whereaboutsImage = typeof c?.image === 'string' && /(^|\/)whereabouts[:@]/.test(c.image);
      if (env.has('CNI_CONF_DIR') || whereaboutsImage) this.readWhereabouts(obj, podSpec, c, i, env, argv);
    }
    if (program === 'thin_entrypoint') {
      this.thinDaemons.push({ owner: obj, container: c.name, argv, mounts: MountTable.fromPodSpec(podSpec, c.name), field: `spec.template.spec.containers[${i}].args` });
      // The thin entrypoint writes its kubeconfig into <cni-conf-dir>/multus.d/.
      const confDir = tryPod(flagValue(argv, ['--cni-conf-dir']) ?? facts.THIN_DEFAULT_CNI_CONF_DIR);
      const written = confDir && MountTable.fromPodSpec(podSpec, c.name).toHost(confDir.join('multus.d', 'multus.kubeconfig'));
      if (written) this.hostFileWriters.push({ host: written, writer: `the thin entrypoint of ${obj.kind} ${obj.namespace ?? 'default'}/${obj.name}` });
    }
    const doctorAt = argv.findIndex((a, k) => a === 'doctor' && k > 0 && /(^|\/)cdk8s-multus(@[^/]*)?$/.test(argv[k - 1]));
    if (doctorAt > 0) {
      const root = flagValue(argv.slice(doctorAt + 1), ['--root']) ?? '/';
      this.doctors.push({ owner: obj, container: c.name, root, mounts: MountTable.fromPodSpec(podSpec, c.name), field: `spec.template.spec.containers[${i}]` });
    }
    const binary = program === 'dhcp' && argv.includes('daemon') ? tryPod(argv[0]) : undefined;
    if (binary) {
      this.dhcpDaemons.push({ owner: obj, container: c.name, binary, mounts: MountTable.fromPodSpec(podSpec, c.name), field: `spec.template.spec.containers[${i}].command` });
    }
  }

  /** The Whereabouts installer writes its config and kubeconfig, and installs the plugin. */
  private readWhereabouts(owner: Obj, podSpec: any, c: any, i: number, env: Map<string, string>, argv: string[]): void {
    const mounts = MountTable.fromPodSpec(podSpec, c.name);
    const field = `spec.template.spec.containers[${i}].env`;
    const controlLoop = argv.join(' ').includes('ip-control-loop');
    this.whereaboutsInstallers.push({ owner, container: c.name, mounts, env, field, controlLoop });
    const conf = tryPod(env.get('CNI_CONF_DIR') ?? facts.WHEREABOUTS_INSTALLER_DEFAULTS.CNI_CONF_DIR);
    const confHost = conf && mounts.toHost(conf);
    const writer = `the Whereabouts installer of ${owner.kind} ${owner.namespace ?? 'default'}/${owner.name}`;
    if (confHost) {
      for (const f of ['whereabouts.conf', 'whereabouts.kubeconfig']) this.hostFileWriters.push({ host: confHost.join('whereabouts.d', f), writer });
    }
    const bin = tryPod(env.get('CNI_BIN_DIR') ?? facts.WHEREABOUTS_INSTALLER_DEFAULTS.CNI_BIN_DIR);
    if (bin) this.installers.push({ owner, container: c.name, target: bin, targetField: `${field}.CNI_BIN_DIR`, plugins: ['whereabouts'], mounts });
  }

  /** The init container that writes a persistent Multus config, recognised by its env. */
  private readConfigWriter(owner: Obj, podSpec: any): ConfigWriter | undefined {
    const inits = asArray(podSpec.initContainers);
    const i = inits.findIndex((c) => asArray(c?.env).some((e) => e?.name === CONFIG_INSTALLER_ENV_SOURCE));
    if (i < 0 || typeof inits[i]?.name !== 'string') return undefined;
    const c = inits[i];
    const env = new Map<string, string>();
    for (const e of asArray(c.env)) if (typeof e?.value === 'string') env.set(e.name, e.value);
    const mounts = MountTable.fromPodSpec(podSpec, c.name);
    const sourceValue = env.get(CONFIG_INSTALLER_ENV_SOURCE);
    const base = { container: c.name, field: `spec.template.spec.initContainers[${i}].env`, mounts, sourceValue, dirValue: env.get(CONFIG_INSTALLER_ENV_TARGET) };
    const source = tryPod(sourceValue);
    if (!source) return { ...base, sourceProblem: `${CONFIG_INSTALLER_ENV_SOURCE} = ${JSON.stringify(sourceValue)} is not an absolute path` };
    const fileName = source.path.split('/').pop();
    const mount = mounts.mountAt(source);
    if (!mount?.configMapName) {
      return { ...base, fileName, sourceProblem: `${source} lies under no ConfigMap volumeMount of init container "${c.name}"${mount ? ` (${mount.mountPath} is volume "${mount.volumeName}")` : ''}, so there is no config to copy` };
    }
    const file = source.relativeTo(mount.mountPath)!;
    const files = mount.configMapFiles ?? {};
    const key = files[file] ?? (files['*'] ? file : undefined);
    const cm = this.objects.find((o) => o.kind === 'ConfigMap' && o.name === mount.configMapName && (o.namespace ?? 'default') === (owner.namespace ?? 'default'));
    const text = key === undefined ? undefined : cm?.manifest.data?.[key];
    if (typeof text !== 'string') {
      return { ...base, fileName, configMap: cm, sourceProblem: `${source} is not a file of the ConfigMap volume "${mount.volumeName}" (ConfigMap "${mount.configMapName}"${key ? `, key "${key}"` : `, which projects ${JSON.stringify(Object.keys(files))}`})` };
    }
    return { ...base, fileName, text, configMap: cm };
  }

  private readDaemon(owner: Obj, podSpec: any, container: any, containerIndex: number): ThickDaemon {
    const mounts = MountTable.fromPodSpec(podSpec, container.name);
    const argv = argvOf(container);
    const configArg = flagValue(argv, ['-config', '--config']);
    const configPath = tryPod(configArg ?? facts.MULTUS_DAEMON_CONFIG_PATH) ?? PodPath.of(facts.MULTUS_DAEMON_CONFIG_PATH);
    const field = `spec.template.spec.containers[${containerIndex}].volumeMounts`;
    const base = { owner, podSpec, container, containerIndex, mounts, configPath, configWriter: this.readConfigWriter(owner, podSpec) };
    if (configArg !== undefined && !tryPod(configArg)) {
      return {
        ...base,
        configProblem: {
          holder: owner,
          field: `spec.template.spec.containers[${containerIndex}] (-config)`,
          found: JSON.stringify(configArg),
          expected: `an absolute path such as ${facts.MULTUS_DAEMON_CONFIG_PATH}`,
          message: 'the daemon reads its configuration from the -config flag\'s path inside its container, which must be an absolute path without ".."',
          fix: `pass -config ${facts.MULTUS_DAEMON_CONFIG_PATH}, where the ConfigMap is mounted`,
        },
      };
    }
    const fail = (found: string, expected: string, message: string, fix: string, configMap?: Obj): ThickDaemon => {
      const problemField = configMap ? `data["${facts.MULTUS_DAEMON_CONFIG_KEY}"]` : field;
      return { ...base, configMap, configProblem: { holder: configMap ?? owner, field: problemField, found, expected, message, fix } };
    };
    const mount = mounts.mountAt(configPath);
    if (!mount || !mount.configMapName) {
      return fail(mount ? `volume "${mount.volumeName}" at ${mount.mountPath} is not a ConfigMap` : `nothing mounted at ${configPath.parent}`,
        `a ConfigMap volume mounted at ${configPath.parent} with ${configPath.path.split('/').pop()}`,
        `the Multus daemon reads its configuration from ${configPath}, and no ConfigMap is mounted there`,
        `mount the ConfigMap that holds ${facts.MULTUS_DAEMON_CONFIG_KEY} at ${configPath.parent} in container "${container.name}"`);
    }
    const file = configPath.relativeTo(mount.mountPath)!;
    const files = mount.configMapFiles ?? {};
    const key = files[file] ?? (files['*'] ? file : undefined);
    const cm = this.objects.find((o) => o.kind === 'ConfigMap' && o.name === mount.configMapName && (o.namespace ?? 'default') === (owner.namespace ?? 'default'));
    if (!key) {
      return fail(`the volume "${mount.volumeName}" projects ${JSON.stringify(Object.keys(files))}`, `a file ${file}`,
        `the ConfigMap volume at ${mount.mountPath} has no file "${file}", which the daemon reads`,
        `add an item { key: "${facts.MULTUS_DAEMON_CONFIG_KEY}", path: "${file}" } to the volume "${mount.volumeName}"`);
    }
    if (!cm && this.partialInput) return { ...base, configMissing: { configMapName: mount.configMapName, field: `spec.template.spec.volumes (${mount.volumeName})` } };
    if (!cm) {
      return fail(`ConfigMap "${mount.configMapName}"`, `a ConfigMap "${mount.configMapName}" in namespace ${owner.namespace ?? 'default'}`,
        'the daemon config is mounted from a ConfigMap that is not among the objects',
        `create the ConfigMap "${mount.configMapName}" in namespace ${owner.namespace ?? 'default'}, or fix the volume's configMap name`);
    }
    const text = cm.manifest.data?.[key];
    if (typeof text !== 'string') {
      return fail('no such key', `a key "${key}"`, `ConfigMap "${cm.name}" has no key "${key}", which the daemon reads as ${configPath}`,
        `add the key "${key}" with the daemon configuration`, cm);
    }
    let config: any;
    try {
      config = parseJson(text);
    } catch (e) {
      return fail(truncate(text), 'a JSON object', `the daemon configuration is not valid JSON (${(e as Error).message})`, 'write valid JSON', cm);
    }
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      return fail(truncate(text), 'a JSON object', 'the daemon configuration is not a JSON object', 'write a JSON object', cm);
    }
    return { ...base, config, configMap: cm };
  }
}

/** Whether an object makes a controller deploy Multus at run time, and how. */
function runTimeDeployer(o: Obj): { field: string; by: string } | undefined {
  const group = typeof o.manifest.apiVersion === 'string' ? o.manifest.apiVersion.split('/')[0] : '';
  const spec = o.manifest.spec;
  if (group === 'helm.cattle.io' && o.kind === 'HelmChart' && typeof spec?.chart === 'string' && /multus/.test(spec.chart)) {
    return { field: spec.valuesContent !== undefined ? 'spec.valuesContent' : 'spec.chart', by: `the Helm controller of k3s/RKE2, from chart "${spec.chart}" with these values` };
  }
  if (group === 'helm.cattle.io' && o.kind === 'HelmChartConfig' && /multus/.test(o.name)) {
    return { field: 'spec.valuesContent', by: `the Helm controller of k3s/RKE2, from chart "${o.name}" with these values over its own` };
  }
  if (group === 'networkaddonsoperator.network.kubevirt.io' && o.kind === 'NetworkAddonsConfig' && spec?.multus !== undefined) {
    return { field: 'spec.multus', by: 'the cluster-network-addons operator, from this NetworkAddonsConfig' };
  }
  return undefined;
}

function readLoneConfig(configMap: Obj, text: string): LoneDaemonConfig {
  let config: unknown;
  try {
    config = parseJson(text);
  } catch (e) {
    return { configMap, problem: `not valid JSON (${(e as Error).message})` };
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return { configMap, problem: 'not a JSON object' };
  return { configMap, config: config as { [key: string]: any } };
}

/** Where each kind that makes pods keeps its pod template (a Pod is its own template). */
const TEMPLATE_PATHS: [string, string[]][] = [
  ['Pod', []],
  ...['DaemonSet', 'Deployment', 'StatefulSet', 'ReplicaSet', 'Job'].map((kind): [string, string[]] => [kind, ['spec', 'template']]),
  ['CronJob', ['spec', 'jobTemplate', 'spec', 'template']],
];
const TEMPLATE_PATH = new Map(TEMPLATE_PATHS.map(([kind, path]) => [kind, { path, metadataField: [...path, 'metadata'].join('.') }]));

/** The pod template of a workload or pod: its spec, its metadata, and the field that holds that metadata. */
function podTemplateOf(m: any): { spec: any; metadata: any; metadataField: string } | undefined {
  const at = TEMPLATE_PATH.get(m.kind);
  if (!at) return undefined;
  let template = m;
  for (const key of at.path) template = template?.[key];
  return { spec: template?.spec, metadata: template?.metadata, metadataField: at.metadataField };
}

/** The pod spec of a workload or pod, or undefined. */
export function podSpecOf(m: any): any {
  return podTemplateOf(m)?.spec;
}

function recognizeInstaller(owner: Obj, podSpec: any, c: any): Installer | undefined {
  const argv = argvOf(c);
  const index = asArray(podSpec.initContainers).indexOf(c);
  const base = `spec.template.spec.initContainers[${index}]`;
  const make = (target: string, targetField: string, plugins: string[]): Installer | undefined => {
    const pod = tryPod(target);
    if (!pod) return undefined;
    return { owner, container: c.name, target: pod, targetField, plugins, mounts: MountTable.fromPodSpec(podSpec, c.name) };
  };
  if (argv[0]?.split('/').pop() === 'install_multus') {
    const type = flagValue(argv, ['-t', '--type']);
    const dest = flagValue(argv, ['-d', '--dest-dir']) ?? facts.MULTUS_INSTALLER_DEFAULT_DEST;
    return make(dest, `${base}.command (-d)`, type === 'thin' ? ['multus', 'passthru'] : [...facts.MULTUS_THICK_INSTALLS]);
  }
  const env = new Map<string, string>(asArray(c?.env).filter((e) => typeof e?.value === 'string').map((e) => [e.name, e.value]));
  const target = env.get(INSTALLER_ENV_TARGET);
  if (target !== undefined && env.has(INSTALLER_ENV_PLUGINS)) {
    return make(target, `${base}.env.${INSTALLER_ENV_TARGET}`, installedPlugins(env.get(INSTALLER_ENV_PLUGINS)!));
  }
  return undefined;
}

/** The value of a command-line flag written `-f v`, `-f=v`, `--flag v` or `--flag=v`. */
export function flagValue(argv: string[], names: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    for (const n of names) {
      if (argv[i] === n && i + 1 < argv.length) return argv[i + 1];
      if (argv[i].startsWith(n + '=')) return argv[i].slice(n.length + 1);
    }
  }
  return undefined;
}

export function truncate(text: string, max = 120): string {
  return text.length > max ? text.slice(0, max) + '…' : text;
}

/** A host path from text that may not be one; undefined when it is not absolute. */
export function tryHost(value: unknown): HostPath | undefined {
  try {
    return typeof value === 'string' ? HostPath.of(value) : undefined;
  } catch {
    return undefined;
  }
}

/** A pod path from text that may not be one; undefined when it is not absolute. */
export function tryPod(value: unknown): PodPath | undefined {
  try {
    return typeof value === 'string' ? PodPath.of(value) : undefined;
  } catch {
    return undefined;
  }
}

/** An object's name as written, for messages: a string, or the JSON of whatever stands there. */
export function nameOf(value: unknown): string {
  return value === undefined || value === null ? '' : asText(value);
}
