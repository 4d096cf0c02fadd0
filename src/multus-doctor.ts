import { ApiObject, JsonPatch, Lazy, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { pinnedImage } from './_pod';
import { AppValidator } from './_validator';
import * as facts from './cni/facts';
import { NODE_DAEMON_NAMESPACE } from './node-daemon';

/** How the report is written to the pod's log. */
export enum DoctorOutputFormat {
  /** Each finding with its fix, for people. */
  TEXT = 'text',
  /** One JSON document, for tools. */
  JSON = 'json',
}

/** An image with Node.js and npx, pinned by its exact tag (Docker Hub's official `node` image). */
export const DOCTOR_DEFAULT_IMAGE = 'node:24.22.3-alpine';
/** Where the doctor pod sees the host's root. */
export const DOCTOR_HOST_ROOT = '/host';
const NETWORKS_DIR = '/etc/multus-doctor';
const NETWORKS_FILE = 'networks.yaml';

/** Props for `MultusDoctor`. */
export interface MultusDoctorProps {
  /**
   * The node to inspect. A Job runs once, on one node: create one MultusDoctor per node to check.
   * @default - any node that matches `nodeSelector`
   */
  readonly nodeName?: string;
  /**
   * An image with Node.js (20, 22 or 24, the lines this library is tested on) and `npx`, pinned by an exact tag or a digest.
   * @default 'node:24.22.3-alpine'
   */
  readonly image?: string;
  /**
   * The npm package `npx` runs the doctor from; the pod fetches it from the npm registry (or the
   * registry the image's npm is configured for). For an air-gapped cluster use an image that has
   * the package installed and keep this name: `npx` runs the installed copy.
   * @default - `cdk8s-multus@<the version of this library>`
   */
  readonly packageSpec?: string;
  /**
   * The report's format in the pod's log.
   * @default DoctorOutputFormat.TEXT
   */
  readonly format?: DoctorOutputFormat;
  /**
   * Give the doctor the app's NetworkAttachmentDefinitions (in a ConfigMap, as `--manifests`), so
   * that it checks the plugins, DHCP daemon and Whereabouts config they need on the node.
   * @default true
   */
  readonly checkNetworks?: boolean;
  /**
   * The base name of the Job and its ConfigMap.
   * @default 'multus-doctor'
   */
  readonly name?: string;
  /**
   * The namespace of its objects.
   * @default 'kube-system'
   */
  readonly namespace?: string;
  /**
   * Node labels it is restricted to.
   * @default { 'kubernetes.io/os': 'linux' }
   */
  readonly nodeSelector?: { [label: string]: string };
}

/** The version of this library, for the default package spec. */
function libraryVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../package.json').version;
}

/**
 * A one-shot Job that runs `cdk8s-multus doctor --root /host` on a node, with the host's `/`
 * mounted read-only at `/host`: its log is the report, its status the verdict (the pod fails when
 * doctor finds a problem or cannot read the node). The command comes from the npm package, run
 * with `npx` in a Node.js image; it reads the node and never changes it.
 */
export class MultusDoctor extends Construct {
  /** The Job. */
  public readonly job: kplus.Job;
  /** The ConfigMap with the app's NetworkAttachmentDefinitions, when they are checked. */
  public readonly networks?: ApiObject;

  public constructor(scope: Construct, id: string, props: MultusDoctorProps = {}) {
    super(scope, id);
    const image = pinnedImage('MultusDoctor', 'image', props.image ?? DOCTOR_DEFAULT_IMAGE);
    const name = props.name ?? 'multus-doctor';
    const namespace = props.namespace ?? NODE_DAEMON_NAMESPACE;
    const spec = props.packageSpec ?? `cdk8s-multus@${libraryVersion()}`;
    if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(@[\w.^~<>=*+-]+)?$/.test(spec)) {
      throw new Error(`MultusDoctor: packageSpec must be an npm package name with an optional version (such as cdk8s-multus@1.2.3), got ${JSON.stringify(spec)}`);
    }
    const labels = { app: name };
    this.job = new kplus.Job(this, 'Job', {
      metadata: { name, namespace, labels },
      podMetadata: { labels },
      // One run: a failed pod is the verdict, not something to retry.
      backoffLimit: 0,
      automountServiceAccountToken: false,
      securityContext: { ensureNonRoot: false },
      isolate: false,
      select: false,
    });
    const args = ['--yes', spec, 'doctor', '--root', DOCTOR_HOST_ROOT, '--format', props.format ?? DoctorOutputFormat.TEXT];
    if (props.checkNetworks ?? true) {
      args.push('--manifests', `${NETWORKS_DIR}/${NETWORKS_FILE}`);
      this.networks = new ApiObject(this, 'Networks', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `${name}-networks`, namespace },
        data: { [NETWORKS_FILE]: Lazy.any({ produce: () => this.networksYaml() }) },
      });
    }
    const c = this.job.addContainer({
      name: 'doctor',
      image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['npx', ...args],
      // npx keeps its cache in HOME; the root file system stays read-only.
      envVariables: { HOME: kplus.EnvValue.fromValue('/tmp'), NO_UPDATE_NOTIFIER: kplus.EnvValue.fromValue('1') },
      // Root to read the node's 0600 files (kubeconfigs, Multus's config); nothing more.
      securityContext: { ensureNonRoot: false, privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
      resources: { cpu: { request: kplus.Cpu.millis(50) } },
    });
    c.mount(DOCTOR_HOST_ROOT, kplus.Volume.fromHostPath(this, 'HostRoot', 'host-root', { path: '/' }), {
      readOnly: true, propagation: kplus.MountPropagation.HOST_TO_CONTAINER,
    });
    c.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp'));
    if (this.networks) {
      const cm = kplus.ConfigMap.fromConfigMapName(this, 'NetworksRef', `${name}-networks`);
      c.mount(NETWORKS_DIR, kplus.Volume.fromConfigMap(this, 'NetworksVolume', cm, { name: 'networks' }), { readOnly: true });
    }
    const pod = ApiObject.of(this.job);
    pod.addJsonPatch(
      JsonPatch.add('/spec/template/spec/nodeSelector', props.nodeSelector ?? { 'kubernetes.io/os': 'linux' }),
      // Nodes that are not Ready (the case worth a doctor) are tainted: tolerate every taint.
      JsonPatch.add('/spec/template/spec/tolerations', [{ operator: 'Exists' }]),
    );
    if (props.nodeName) pod.addJsonPatch(JsonPatch.add('/spec/template/spec/nodeName', props.nodeName));
    AppValidator.of(this);
  }

  /** The app's NetworkAttachmentDefinitions, as one YAML stream. */
  private networksYaml(): string {
    const nads = AppValidator.constructsOf(this)
      .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === facts.NAD_KIND)
      .map((o) => o.toJson());
    return nads.length === 0 ? '' : Yaml.stringify(...nads);
  }
}
