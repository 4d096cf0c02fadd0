/**
 * Facts about k3s, Multus and the CNI plugins, each defined once, with where it comes from.
 * Sources: k3s (pkg/agent/config, release notes), multus-cni v4.3.0, containernetworking/plugins v1.9.1.
 */

/** k3s's default `--data-dir`. */
export const K3S_DEFAULT_DATA_DIR = '/var/lib/rancher/k3s';
/** containerd's CNI `conf_dir` under the k3s data dir (k3s pkg/agent/config). */
export const K3S_CONF_DIR_UNDER_DATA = 'agent/etc/cni/net.d';
/** The fixed CNI `bin_dir` under the k3s data dir, since v1.28.15+k3s1, v1.29.10+k3s1, v1.30.6+k3s1, v1.31.2+k3s1. */
export const K3S_BIN_DIR_UNDER_DATA = 'data/cni';
/** Before those releases: the versioned bin dir, reachable through the `current` symlink. */
export const K3S_LEGACY_BIN_DIR_UNDER_DATA = 'data/current/bin';
/** The dir whose subtree holds the targets of the absolute symlinks in `data/cni`. */
export const K3S_SYMLINK_ROOT_UNDER_DATA = 'data';
/** The plugins k3s bundles as symlinks to its multi-call `cni` binary. */
export const K3S_BUNDLED_PLUGINS: readonly string[] = [
  'bandwidth', 'bridge', 'firewall', 'flannel', 'host-local', 'loopback', 'portmap',
];
/** k3s's config file and its drop-in dir, later files overriding earlier ones (k3s docs, "Configuration File"). */
export const K3S_CONFIG_FILE = '/etc/rancher/k3s/config.yaml';
export const K3S_CONFIG_DROPIN_DIR = '/etc/rancher/k3s/config.yaml.d';
/** The cluster-admin kubeconfig a k3s server writes (client certificate in group system:masters). */
export const K3S_ADMIN_KUBECONFIG = '/etc/rancher/k3s/k3s.yaml';
/** containerd's config as k3s renders it at every start, under the data dir (k3s pkg/agent/containerd). */
export const K3S_CONTAINERD_CONFIG_UNDER_DATA = 'agent/etc/containerd/config.toml';
/** The symlink to the versioned dir of the running k3s release, under the data dir. */
export const K3S_CURRENT_LINK_UNDER_DATA = 'data/current';
/** k3s's embedded flannel: its CNI config file, network name and readiness file. */
export const K3S_FLANNEL_CONFIG_FILE = '10-flannel.conflist';
export const K3S_FLANNEL_NETWORK_NAME = 'cbr0';
export const K3S_FLANNEL_CNI_VERSION = '1.0.0';
export const FLANNEL_SUBNET_ENV = '/run/flannel/subnet.env';
/**
 * The capabilities k3s's flannel config declares (portmap: portMappings, bandwidth: bandwidth),
 * which Multus copies into 00-multus.conf so that containerd passes that runtime config
 * (k3s pkg/agent/flannel/setup_osspecific.go, cniConf).
 */
export const K3S_FLANNEL_CAPABILITIES: readonly string[] = ['bandwidth', 'portMappings'];

/** containerd's defaults, used by k3s with `--flannel-backend=none`, rke2 and kubeadm. */
export const STANDARD_CONF_DIR = '/etc/cni/net.d';
export const STANDARD_BIN_DIR = '/opt/cni/bin';
/** containerd's own config file outside k3s. */
export const STANDARD_CONTAINERD_CONFIG = '/etc/containerd/config.toml';
/**
 * The config file extensions containerd loads from its conf dir, in byte order of the file names,
 * the first being the default network (containerd/go-cni opts.go loadFromConfDir, over
 * containernetworking/cni libcni ConfFiles, which skips directories).
 */
export const CNI_CONFIG_EXTENSIONS: readonly string[] = ['.conf', '.conflist', '.json'];
/**
 * The suffix Cilium gives every other CNI config it finds when `cni.exclusive` is true, its
 * default (Cilium Helm reference, `cni.exclusive`): Multus's config renamed this way is never loaded.
 */
export const CILIUM_RENAMED_SUFFIX = '.cilium_bak';
/** The Kubernetes group whose members bypass RBAC: a credential in it is a cluster admin. */
export const ADMIN_GROUP = 'system:masters';

/**
 * The reference plugins carried by rancher/hardened-cni-plugins v1.9.1 under /opt/cni/bin
 * (containernetworking/plugins v1.9.1 built with build_linux.sh, plus flannel and bond).
 */
export const REFERENCE_PLUGINS_IMAGE = 'rancher/hardened-cni-plugins:v1.9.1-build20260819';
export const REFERENCE_PLUGINS_DIR = '/opt/cni/bin';
export const REFERENCE_PLUGINS: readonly string[] = [
  'bandwidth', 'bond', 'bridge', 'dhcp', 'dummy', 'firewall', 'flannel', 'host-device', 'host-local',
  'ipvlan', 'loopback', 'macvlan', 'portmap', 'ptp', 'sbr', 'static', 'tap', 'tuning', 'vlan', 'vrf',
];

/** The Multus thick image of the release this library is tested against (release workflow: `<tag>-thick`). */
export const MULTUS_THICK_IMAGE = 'ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick';
/** The Multus thin image of the same release (release workflow: the tag itself). */
export const MULTUS_THIN_IMAGE = 'ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0';
/** Paths inside the Multus images (images/Dockerfile.thick). */
export const MULTUS_BIN_DIR_IN_IMAGE = '/usr/src/multus-cni/bin';
export const MULTUS_DAEMON = `${MULTUS_BIN_DIR_IN_IMAGE}/multus-daemon`;
export const MULTUS_INSTALLER = `${MULTUS_BIN_DIR_IN_IMAGE}/install_multus`;
/** The thin plugin's entrypoint, at the root of the thin image (images/Dockerfile). */
export const MULTUS_THIN_ENTRYPOINT = '/thin_entrypoint';
export const MULTUS_THIN_INSTALLER = '/install_multus';
/** Where install_multus copies to without `-d` (cmd/install_multus). */
export const MULTUS_INSTALLER_DEFAULT_DEST = '/host/opt/cni/bin';
/** What `install_multus -t thick` copies into its destination (cmd/install_multus). */
export const MULTUS_THICK_INSTALLS: readonly string[] = ['multus-shim', 'passthru'];
/** Where the daemon reads its configuration unless `-config` says otherwise (cmd/multus-daemon). */
export const MULTUS_DAEMON_CONFIG_PATH = '/etc/cni/net.d/multus.d/daemon-config.json';
export const MULTUS_DAEMON_CONFIG_KEY = 'daemon-config.json';
/** The file name of Multus's own config in the CNI config dir (multus pkg/server/config/manager.go). */
export const MULTUS_CONFIG_FILE = '00-multus.conf';
/** The network name Multus writes into 00-multus.conf (MultusDefaultNetworkName). */
export const MULTUS_NETWORK_NAME = 'multus-cni-network';
/** The `type` of Multus's own config: the thick plugin's shim, the thin plugin. */
export const MULTUS_SHIM = 'multus-shim';
export const MULTUS_THIN_PLUGIN = 'multus';
/** The daemon's socket in its socket dir, which the shim dials (pkg/server/api SocketPath). */
export const MULTUS_SOCKET_FILE = 'multus.sock';
/** Where the thin entrypoint writes the plugin's kubeconfig, under the CNI config dir (cmd/thin_entrypoint). */
export const MULTUS_KUBECONFIG_UNDER_CONF_DIR = 'multus.d/multus.kubeconfig';
/** Defaults of the daemon and the shim (pkg/server, pkg/server/api/shim.go, pkg/types). */
export const MULTUS_DEFAULT_SOCKET_DIR = '/run/multus';
export const MULTUS_DEFAULT_BIN_DIR = '/opt/cni/bin';
export const MULTUS_DEFAULT_CONF_DIR = '/etc/cni/multus/net.d';
export const MULTUS_DEFAULT_CNI_DIR = '/var/lib/cni/multus';
export const MULTUS_LOG_LEVELS: readonly string[] = ['debug', 'verbose', 'error', 'panic'];

/** thin_entrypoint's default --cni-conf-dir (multus cmd/thin_entrypoint). */
export const THIN_DEFAULT_CNI_CONF_DIR = '/host/etc/cni/net.d';
/** thin_entrypoint's defaults of the flags that name paths (multus cmd/thin_entrypoint). */
export const THIN_DEFAULT_FLAGS: { readonly [flag: string]: string } = {
  '--cni-conf-dir': THIN_DEFAULT_CNI_CONF_DIR,
  '--multus-autoconfig-dir': THIN_DEFAULT_CNI_CONF_DIR,
  '--cni-bin-dir': '/host/opt/cni/bin',
  '--multus-kubeconfig-file-host': '/etc/cni/net.d/multus.d/multus.kubeconfig',
  '--multus-cni-conf-dir': '/host/etc/cni/multus/net.d',
};

/** Whereabouts v0.9.4 (release workflow: ghcr.io/<repo>:<tag>). */
export const WHEREABOUTS_IMAGE = 'ghcr.io/k8snetworkplumbingwg/whereabouts:v0.9.4';
export const WHEREABOUTS_GROUP = 'whereabouts.cni.cncf.io';
/**
 * The pod dirs the Whereabouts installer writes to unless its environment says otherwise
 * (whereabouts script/lib.sh); it takes the host path to be the pod path less `/host`.
 */
export const WHEREABOUTS_INSTALLER_DEFAULTS: { readonly CNI_CONF_DIR: string; readonly CNI_BIN_DIR: string } = {
  CNI_CONF_DIR: '/host/etc/cni/net.d',
  CNI_BIN_DIR: '/host/opt/cni/bin',
};
/**
 * The pod dir in which Whereabouts' control loop reads whereabouts.d/whereabouts.conf, a fixed path
 * (whereabouts pkg/controlloop: "/host" + "/etc/cni/net.d/whereabouts.d/whereabouts.conf"). It
 * releases the addresses of deleted pods with it, and reads the kubeconfig named there under /host.
 */
export const WHEREABOUTS_CONTROL_LOOP_CONF_DIR = '/host/etc/cni/net.d';
/** The Whereabouts installer's files under the CNI config dir (whereabouts script/lib.sh). */
export const WHEREABOUTS_CONF_UNDER_CONF_DIR = 'whereabouts.d/whereabouts.conf';
export const WHEREABOUTS_KUBECONFIG_UNDER_CONF_DIR = 'whereabouts.d/whereabouts.kubeconfig';
/** Where the whereabouts plugin looks for whereabouts.conf when a NAD names no configuration_path (pkg/config). */
export const WHEREABOUTS_SEARCH_PATHS: readonly string[] = [
  '/etc/kubernetes/cni/net.d/whereabouts.d/whereabouts.conf',
  '/etc/cni/net.d/whereabouts.d/whereabouts.conf',
  '/host/etc/cni/net.d/whereabouts.d/whereabouts.conf',
];

/**
 * The CNI spec versions that the pinned plugins (containernetworking/plugins v1.9.1) and Multus
 * v4.3.0 accept: both are built with containernetworking/cni v1.3.0, whose `version.All` lists
 * these (pkg/version/version.go). Any other cniVersion fails with "incompatible CNI versions".
 */
export const CNI_VERSIONS: readonly string[] = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'];

/** The NetworkAttachmentDefinition API (multi-net-spec v1). */
export const NAD_GROUP = 'k8s.cni.cncf.io';
export const NAD_KIND = 'NetworkAttachmentDefinition';
export const NAD_CRD_NAME = 'network-attachment-definitions.k8s.cni.cncf.io';
export const NETWORKS_ANNOTATION = 'k8s.v1.cni.cncf.io/networks';
export const NETWORK_STATUS_ANNOTATION = 'k8s.v1.cni.cncf.io/network-status';
/**
 * This project's annotation that suppresses rules on the object that carries it:
 * `<rule-id>=<reason>` entries separated by commas or line breaks (see `MultusRules.suppress`).
 */
export const SUPPRESSION_ANNOTATION = 'cdk8s-multus.io/ignore';

/** The dhcp plugin's daemon socket dir on the host (plugins/ipam/dhcp). */
export const DHCP_SOCKET_DIR = '/run/cni';
/** The socket the dhcp plugin dials in that dir (plugins/ipam/dhcp). */
export const DHCP_SOCKET_FILE = 'dhcp.sock';
/** A small image with a shell, for helper containers. */
export const BUSYBOX_IMAGE = 'busybox:1.36.1';
/** The uid and gid of nobody, for containers that must not run as root in images without a USER. */
export const NOBODY = 65534;

/** Image tags that move: a deployment that names one changes under its users. */
export const MOVING_TAG = /^(latest|snapshot.*|stable.*|main|master)$/;

/**
 * Where the node's dirs appear inside the Multus, Whereabouts and kubeconfig-writer pods, upstream's
 * manifests and this library's alike (`/host/etc/cni/net.d`): a pod path, never a node's own path.
 */
export const HOST_MOUNT_PREFIX = '/host';

/**
 * The namespace whose networks pods of every namespace may use when the daemon runs with
 * namespaceIsolation and no globalNamespaces (multus v4.3.0 pkg/types/conf.go,
 * defaultNonIsolatedNamespace).
 */
export const MULTUS_DEFAULT_GLOBAL_NAMESPACE = 'default';
