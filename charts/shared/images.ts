/** A container image reference with a pinned tag. */
export interface ImageRef {
  readonly repository: string;
  readonly tag: string;
}

/** The images this project deploys, each pinned to an exact tag. */
export const IMAGES = {
  tempo: { repository: 'grafana/tempo', tag: '2.6.0' },
} as const satisfies Record<string, ImageRef>;

/** `repository:tag`. */
export function imageName(image: ImageRef): string {
  return `${image.repository}:${image.tag}`;
}
