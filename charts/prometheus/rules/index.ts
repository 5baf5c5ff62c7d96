import { SCRAPE_JOBS, TARGET_LABELS } from '../../shared/telemetry';
import { RuleGroup } from './types';

export * from './types';

/** Options of the Tempo rule groups. */
export interface TempoRulesOptions {
  /** The Tempo job's scrape interval, a Prometheus duration such as '30s'. */
  readonly tempoScrapeInterval: string;
  /** Whether Tempo's metrics-generator runs (its alerts are added then). */
  readonly metricsGenerator: boolean;
  /** Tempo's container memory limit in bytes; TempoHighMemory fires at a fraction of it. @default - a fixed 1.5e9 bytes */
  readonly tempoMemoryLimitBytes?: number;
  /** Where the runbook lives; each alert links to its section. @default - the runbook in this repository */
  readonly runbookBaseUrl?: string;
}

const DEFAULT_RUNBOOK = 'https://github.com/tempo-stack/tempo-stack/blob/main/docs/runbook.md';

/**
 * The rule groups for Tempo. Interim entry point with the seed's two alerts only; the full rule
 * set replaces this file.
 */
export function tempoRuleGroups(options: TempoRulesOptions): RuleGroup[] {
  const runbook = options.runbookBaseUrl ?? DEFAULT_RUNBOOK;
  const { job, namespace, pod } = TARGET_LABELS;
  const threshold = options.tempoMemoryLimitBytes !== undefined ? options.tempoMemoryLimitBytes * 0.8 : 1.5e9;
  return [{
    name: 'tempo',
    rules: [
      {
        alert: 'TempoDown',
        expr: `up{${job}="${SCRAPE_JOBS.tempo}"} == 0`,
        for: '5m',
        labels: { severity: 'critical' },
        annotations: {
          summary: 'A Tempo pod is down.',
          description: `Tempo pod {{ $labels.${pod} }} in namespace {{ $labels.${namespace} }} has not been scraped for 5 minutes.`,
          runbook_url: `${runbook}#tempodown`,
        },
      },
      {
        alert: 'TempoHighMemory',
        expr: `process_resident_memory_bytes{${job}="${SCRAPE_JOBS.tempo}"} > ${threshold}`,
        for: '5m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'A Tempo pod uses a lot of memory.',
          description: `Tempo pod {{ $labels.${pod} }} in namespace {{ $labels.${namespace} }} uses {{ $value | humanize1024 }}B of resident memory.`,
          runbook_url: `${runbook}#tempohighmemory`,
        },
      },
    ],
  }];
}
