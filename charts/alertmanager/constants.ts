// Names, ports and paths shared by the Alertmanager's settings, config builder and workload spec.

/** The receiver without integrations every config has: alerts routed to it are kept in Alertmanager and sent nowhere. */
export const NULL_RECEIVER = 'null';

/** The always-firing alert of the dead man's switch (its rule is in the Prometheus rules). */
export const WATCHDOG_ALERT = 'Watchdog';

/** The Tempo alert that says a pod is down: it mutes the pod's other Tempo alerts. */
export const POD_DOWN_ALERT = 'TempoDown';

/** Where the pod finds its files. */
export const ALERTMANAGER_PATHS = {
  /** The ConfigMap `<name>-config`, read-only. */
  configDir: '/etc/alertmanager/config',
  configFile: 'alertmanager.yml',
  /** The PVC: silences and the notification log. */
  dataDir: '/alertmanager',
  /** One folder per receiver Secret, `<secretsDir>/<secret name>/<key>`, read-only. */
  secretsDir: '/etc/alertmanager/secrets',
} as const;

/** The ports: the API and UI, and the gossip mesh between replicas (TCP and UDP). */
export const ALERTMANAGER_PORTS = { http: 9093, mesh: 9094 } as const;

/** The default name of the StatefulSet and its Services. */
export const DEFAULT_ALERTMANAGER_NAME = 'alertmanager';

/** The file an Alertmanager pod reads a Secret's key from. */
export function secretFilePath(ref: { readonly name: string; readonly key: string }): string {
  return `${ALERTMANAGER_PATHS.secretsDir}/${ref.name}/${ref.key}`;
}
