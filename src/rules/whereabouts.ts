// The rules on Whereabouts: its installer's mounts and the config file its IPAM reads.
import * as facts from '../cni/facts';
import { HostPath, PodPath } from '../paths';
import { defineRule, Report } from './_define';
import { parsedConfig } from './_helpers';
import { Model, tryPod } from './_model';
import { Finding, Severity } from './finding';

export const whereaboutsMounts = defineRule({
  id: 'whereabouts-mounts',
  severity: Severity.ERROR,
  summary: 'The Whereabouts installer\'s dirs are mounted at exactly /host + the node\'s host dir, which is how it derives the host paths it writes.',
  catches: 'a whereabouts.conf that names a kubeconfig path which does not exist on the host.',
  check: (m, report) => m.whereaboutsInstallers.flatMap((w) => ([['CNI_CONF_DIR', m.layout.confDir], ['CNI_BIN_DIR', m.layout.binDir]] as ['CNI_CONF_DIR' | 'CNI_BIN_DIR', HostPath][])
    .flatMap(([name, intended]) => {
      const value = w.env.get(name) ?? facts.WHEREABOUTS_INSTALLER_DEFAULTS[name];
      const pod = tryPod(value);
      const host = pod && w.mounts.toHost(pod);
      const derived = pod && pod.path.startsWith('/host/') ? pod.path.slice('/host'.length) : undefined;
      if (host && derived === host.path && host.isSame(intended)) return [];
      return [report(w.owner, {
        field: `${w.field}.${name}`,
        found: host ? `${value} (host ${host})` : `${value} (not mounted)`,
        expected: `/host${intended.path} (host ${intended})`,
        message: host && derived !== host.path
          ? `the installer takes ${derived ?? value} for the host path (it deletes the /host prefix), but the mount makes it host ${host}`
          : `${name} must be the node's ${name === 'CNI_CONF_DIR' ? 'CNI config dir' : 'CNI bin dir'} ${intended}, mounted at /host${intended.path}`,
        fix: `mount host ${intended} at /host${intended.path} and set ${name} to it`,
      })];
    }).concat(controlLoopMount(m, w, report))),
});

/** The control loop reads whereabouts.conf at a fixed pod path: it must be the node's config dir there. */
function controlLoopMount(m: Model, w: Model['whereaboutsInstallers'][number], report: Report): Finding[] {
  if (!w.controlLoop) return [];
  const dir = PodPath.of(facts.WHEREABOUTS_CONTROL_LOOP_CONF_DIR);
  const host = w.mounts.toHost(dir);
  if (host?.isSame(m.layout.confDir)) return [];
  return [report(w.owner, {
    field: `${w.field.replace(/\.env$/, '.volumeMounts')}`,
    found: host ? `${dir} (host ${host})` : `${dir} (not mounted)`,
    expected: `${dir} (host ${m.layout.confDir})`,
    message: `the control loop reads ${dir.join('whereabouts.d', 'whereabouts.conf')} in the pod, a fixed path, to release the addresses of deleted pods; without the node's config dir there it logs "config file not found" and those addresses stay allocated`,
    fix: `also mount host ${m.layout.confDir} at ${dir} (Whereabouts does)`,
  })];
}

export const whereaboutsConfig = defineRule({
  id: 'whereabouts-config',
  severity: Severity.ERROR,
  summary: 'Every Whereabouts IPAM names a configuration_path that a Whereabouts installer writes, unless the plugin finds the file by its built-in search list.',
  catches: 'whereabouts failing to reach the API server on k3s, whose config dir is not in the plugin\'s search list.',
  check: (m, report, cannotJudge) => m.nads.flatMap((nad) => {
    const config = parsedConfig(nad);
    const plugins = Array.isArray(config?.plugins) ? config.plugins : [config];
    return plugins.filter((p: any) => p?.ipam?.type === 'whereabouts').flatMap((p: any) => {
      const path = p.ipam.configuration_path;
      const writers = m.hostFileWriters.filter((w) => w.host.basename === 'whereabouts.conf');
      const written = (h: string) => writers.some((w) => w.host.path === h);
      if (typeof path === 'string' ? written(path) : facts.WHEREABOUTS_SEARCH_PATHS.some(written)) return [];
      if (writers.length === 0 && m.partialInput) {
        cannotJudge(nad, {
          field: 'spec.config.ipam.configuration_path',
          missing: `no Whereabouts installer in the input, so where whereabouts.conf is written on the nodes is not known (${typeof path === 'string' ? `the NAD names ${path}` : `the plugin searches ${facts.WHEREABOUTS_SEARCH_PATHS.join(', ')}`}); lint with the installer`,
        });
        return [];
      }
      return [report(nad, {
        field: 'spec.config.ipam.configuration_path',
        found: typeof path === 'string' ? path : 'not set',
        expected: writers.length ? writers.map((w) => `${w.host} (written by ${w.writer})`).join('; ') : 'the host path of whereabouts.conf that a Whereabouts installer writes',
        message: typeof path === 'string'
          ? `the plugin reads ${path} on the host, and no Whereabouts installer in the app writes it`
          : `no configuration_path, and the plugin only searches ${facts.WHEREABOUTS_SEARCH_PATHS.join(', ')}, where nothing in the app writes whereabouts.conf`,
        fix: writers.length ? `set configuration_path to "${writers[0].host}" (Whereabouts.ipam() does)` : 'add a Whereabouts construct and take the IPAM from its ipam()',
      })];
    });
  }),
});
