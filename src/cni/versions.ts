import { CNI_VERSIONS } from './facts';

/** What is wrong with a cniVersion, or undefined when the pinned plugins and Multus accept it. */
export function cniVersionProblem(version: unknown): string | undefined {
  if (typeof version === 'string' && CNI_VERSIONS.includes(version)) return undefined;
  return `cniVersion ${JSON.stringify(version)} is not one the plugins and Multus accept (${CNI_VERSIONS.join(', ')}); ` +
    'they fail with "incompatible CNI versions"';
}
