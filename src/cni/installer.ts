/**
 * The command of the plugin installer init container: copies named plugins from the plugins
 * image into the node's bin dir, each to a temp file in the same dir and then renamed over the
 * target, so that containerd never executes a half-written binary. A target that is a symlink
 * belongs to the distribution (k3s's bundled plugins are symlinks into its data dir) and is left
 * alone unless replacing is asked for.
 *
 * Parameters come from the environment, so that the rules can read them off any manifest:
 * CNI_BIN_DIR (target dir, a pod path), CNI_PLUGINS (space-separated names, each `name` or
 * `name=file` for a plugin the image carries under another file name), CNI_PLUGINS_SOURCE
 * (dir in the image), CNI_REPLACE_BUNDLED ("true" to replace symlinked plugins).
 */
/** The installer's target dir (a pod path), read by the script and by the rules off any manifest. */
export const INSTALLER_ENV_TARGET = 'CNI_BIN_DIR';
/** The plugins it installs, space-separated, each `name` or `name=file in the source dir`. */
export const INSTALLER_ENV_PLUGINS = 'CNI_PLUGINS';
/** The dir in the plugins image it copies from. */
export const INSTALLER_ENV_SOURCE = 'CNI_PLUGINS_SOURCE';
/** "true" to replace plugins that are symlinks of the distribution's own. */
export const INSTALLER_ENV_REPLACE_BUNDLED = 'CNI_REPLACE_BUNDLED';

export const PLUGIN_INSTALLER_SCRIPT = [
  'set -eu',
  'src="${CNI_PLUGINS_SOURCE:-/opt/cni/bin}"',
  'dest="$CNI_BIN_DIR"',
  'replace="${CNI_REPLACE_BUNDLED:-false}"',
  '[ -d "$dest" ] || { echo "install-cni-plugins: target dir $dest does not exist (is the node\'s bin dir mounted?)" >&2; exit 1; }',
  'trap \'rm -f "$dest"/.*.cdk8s-multus.tmp\' EXIT',
  'for entry in $CNI_PLUGINS; do',
  '  p="${entry%%=*}"',
  '  f="${entry#*=}"',
  '  what="$p"; [ "$f" = "$p" ] || what="$p (file $f)"',
  '  if [ ! -f "$src/$f" ]; then echo "install-cni-plugins: plugin $what is not in $src of this image" >&2; exit 1; fi',
  '  if [ -L "$dest/$p" ] && [ "$replace" != "true" ]; then echo "install-cni-plugins: keeping $dest/$p, a plugin of the node\'s own"; continue; fi',
  '  tmp="$dest/.$p.cdk8s-multus.tmp"',
  '  cp "$src/$f" "$tmp"',
  '  chmod 0755 "$tmp"',
  '  mv -f "$tmp" "$dest/$p"',
  '  echo "install-cni-plugins: installed $p into $dest"',
  'done',
].join('\n');

/** The plugin names an installer's CNI_PLUGINS value installs (what follows a `=` is the file it copies). */
export function installedPlugins(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean).map((entry) => entry.split('=')[0]);
}

/** The Multus config installer's source file (a pod path, in the ConfigMap's volume). */
export const CONFIG_INSTALLER_ENV_SOURCE = 'MULTUS_CONFIG_SOURCE';
/** Its target dir (a pod path, the node's CNI config dir as mounted); the file keeps its name. */
export const CONFIG_INSTALLER_ENV_TARGET = 'MULTUS_CONFIG_DIR';

/**
 * The command of the init container that writes Multus's config with
 * `MultusConfigLifetime.PERSISTENT`: the file from the ConfigMap into the node's CNI config dir,
 * mode 0600 as the daemon writes it, through a temp file renamed over the target so that
 * containerd never reads half a config. Only cp, chmod and mv: the plugins image's shell tools.
 */
export const CONFIG_INSTALLER_SCRIPT = [
  'set -eu',
  'src="$MULTUS_CONFIG_SOURCE"',
  'dir="$MULTUS_CONFIG_DIR"',
  'name="${src##*/}"',
  '[ -d "$dir" ] || { echo "install-multus-config: target dir $dir does not exist (is the node\'s CNI config dir mounted?)" >&2; exit 1; }',
  '[ -f "$src" ] || { echo "install-multus-config: $src does not exist (is the ConfigMap mounted with that key?)" >&2; exit 1; }',
  'tmp="$dir/.$name.cdk8s-multus.tmp"',
  'trap \'rm -f "$tmp"\' EXIT',
  'umask 077',
  'cp "$src" "$tmp"',
  'chmod 0600 "$tmp"',
  'mv -f "$tmp" "$dir/$name"',
  'echo "install-multus-config: wrote $dir/$name"',
].join('\n');
