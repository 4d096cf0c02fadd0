import { MOVING_TAG } from './facts';

/** What is wrong with an image reference, or undefined when it is pinned. */
export function imageProblem(image: unknown): string | undefined {
  if (typeof image !== 'string' || image === '') return 'no image';
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return `"${image}" has no tag, which means "latest"`;
  const tag = image.slice(colon + 1);
  if (MOVING_TAG.test(tag)) return `tag "${tag}" moves: each node may pull a different build`;
  return undefined;
}
