/** A container image reference with a pinned tag. */
export interface ImageRef {
  readonly repository: string;
  readonly tag: string;
}

/** The images this project deploys, each pinned to an exact tag. */
export const IMAGES = {
  // 2.6.1: the patch release of the 2.6 line whose key tree (tempo-2.6.1-keys.json) and
  // measurements this project's configs come from. 2.6.0 stays selectable with image.tag.
  tempo: { repository: 'grafana/tempo', tag: '2.6.1' },
  // Laptop trials only (charts/minio). The release Milvus documents as its tested MinIO, also the
  // default of many copies of MinIO's own Helm chart values. MinIO stopped publishing community
  // images in late 2025; published tags stay pullable.
  minio: { repository: 'minio/minio', tag: 'RELEASE.2024-12-18T13-15-44Z' },
  // The 3.5 LTS line. Configs and rules stay valid for 2.53 too (CI checks them with promtool 2.53.3).
  prometheus: { repository: 'prom/prometheus', tag: 'v3.5.5' },
  // 12.3 still bundles the Tempo and Prometheus datasources (from 13.2 they are plugins installed
  // at start-up, which an air-gapped cluster cannot do).
  grafana: { repository: 'grafana/grafana', tag: '12.3.11' },
  // The release CI checks every generated alertmanager.yml with (amtool 0.28.1, Debian trixie's build).
  alertmanager: { repository: 'prom/alertmanager', tag: 'v0.28.1' },
  // The OTLP gateway: nginx built to run as UID 101 on ports above 1024, so it needs no capability.
  gateway: { repository: 'nginxinc/nginx-unprivileged', tag: '1.29.0-alpine' },
} as const satisfies Record<string, ImageRef>;

/** `repository:tag`. */
export function imageName(image: ImageRef): string {
  return `${image.repository}:${image.tag}`;
}

/**
 * The release an image tag names, as `major.minor.patch` (`v3.5.5` -> `3.5.5`), or undefined for
 * a tag that is not a plain release (a digest-like or custom tag).
 */
export function imageVersion(image: ImageRef): string | undefined {
  return /^v?(\d+\.\d+\.\d+)$/.exec(image.tag)?.[1];
}
