import { GrafanaTempoLink } from '../props';
import { DASHBOARD_FOLDER, ProvisionedDashboard } from './model';
import { operationsDashboard } from './operations';
import { servicesDashboard } from './services';

// The SDK-built helpers of './common' stay internal: their types name the SDK's modules (see './model').
export * from './model';
export * from './operations';
export * from './services';

/** The dashboards to provision: Tempo / Operations always, Tempo / Services where the metrics-generator runs. */
export function buildDashboards(tempo: GrafanaTempoLink): ProvisionedDashboard[] {
  return [operationsDashboard(tempo), ...(tempo.metricsGenerator ? [servicesDashboard((tempo.tenants?.length ?? 0) > 0)] : [])];
}

/** Grafana's dashboard provider file (`apiVersion: 1`). */
export interface DashboardProvidersFile {
  readonly apiVersion: 1;
  readonly providers: readonly {
    readonly name: string;
    readonly orgId: number;
    readonly folder: string;
    readonly folderUid: string;
    readonly type: 'file';
    readonly disableDeletion: boolean;
    readonly allowUiUpdates: boolean;
    readonly updateIntervalSeconds: number;
    readonly options: { readonly path: string; readonly foldersFromFilesStructure: boolean };
  }[];
}

/**
 * One file provider reading every dashboard JSON under `path` into the "Tempo" folder. The
 * dashboards are code: the UI cannot save changes over them (save a copy instead).
 */
export function buildDashboardProviders(path: string): DashboardProvidersFile {
  return {
    apiVersion: 1,
    providers: [{
      name: 'tempo-stack',
      orgId: 1,
      folder: DASHBOARD_FOLDER,
      folderUid: 'tempo-stack',
      type: 'file',
      disableDeletion: true,
      allowUiUpdates: false,
      updateIntervalSeconds: 60,
      options: { path, foldersFromFilesStructure: false },
    }],
  };
}
export * from './added';
