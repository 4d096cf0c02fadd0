// What is true of the macvtap CNI and its device plugin (kubevirt/macvtap-cni v0.13.1), read from
// its source; the macvtap network, its device plugin construct and the rules share these.

/**
 * The release image, carrying `/macvtap-cni` (the CNI plugin) and `/macvtap-deviceplugin`
 * (cmd/Dockerfile; the release manifests name `quay.io/kubevirt/macvtap-cni:<tag>`, Makefile).
 */
export const MACVTAP_IMAGE = 'quay.io/kubevirt/macvtap-cni:v0.13.1';
/** The plugin binary in the image, and the name it is installed under (its NADs say `type: macvtap`). */
export const MACVTAP_CNI_IN_IMAGE = 'macvtap-cni';
export const MACVTAP_CNI_TYPE = 'macvtap';
/** The device plugin binary in the image, and the flags of the release manifest (templates/macvtap.yaml.in). */
export const MACVTAP_DEVICE_PLUGIN_COMMAND: readonly string[] = ['/macvtap-deviceplugin', '-v', '3', '-logtostderr'];
/**
 * The environment variable the device plugin reads its resources from: a JSON list of
 * `{name, lowerDevice, mode, capacity}`; an empty list exposes one resource per physical NIC
 * (pkg/deviceplugin/lister.go).
 */
export const MACVTAP_CONFIG_ENV = 'DP_MACVTAP_CONF';
/** The resource namespace of its resources: `macvtap.network.kubevirt.io/<name>` (pkg/deviceplugin/lister.go). */
export const MACVTAP_RESOURCE_PREFIX = 'macvtap.network.kubevirt.io/';
/** The modes the device plugin creates macvtaps in; `bridge` is its default (pkg/util/netlink.go ModeFromString). */
export const MACVTAP_MODES: readonly string[] = ['bridge', 'private', 'vepa'];
/** How many macvtaps a resource offers per node unless told (pkg/deviceplugin/plugin.go DefaultCapacity). */
export const MACVTAP_DEFAULT_CAPACITY = 100;
/**
 * The NAD annotation through which Multus asks the kubelet which device the pod was given, and
 * passes it to the plugin as `deviceID` (multus-cni, pkg/k8sclient; kubevirt/macvtap-cni README).
 */
export const RESOURCE_NAME_ANNOTATION = 'k8s.v1.cni.cncf.io/resourceName';
/** Where the kubelet serves device plugins (kubelet's DevicePluginPath under its root, /var/lib/kubelet on k3s). */
export const KUBELET_DEVICE_PLUGINS_DIR = '/var/lib/kubelet/device-plugins';
