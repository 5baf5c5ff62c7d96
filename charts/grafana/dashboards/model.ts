// The dashboard types of the public API, declared here rather than imported from
// @grafana/grafana-foundation-sdk: the SDK's modules are reachable only through its package.json
// `exports` (`@grafana/grafana-foundation-sdk/dashboard`), which TypeScript's `node10` module
// resolution (the cdk8s-cli app template's) does not read, so no shipped declaration may name them.
// The SDK's `dashboard.Dashboard` (what `DashboardBuilder.build()` returns) is assignable to DashboardModel.

/** The folder every provisioned dashboard lands in. */
export const DASHBOARD_FOLDER = 'Tempo';

/** A reference to a Grafana datasource, by type and uid. */
export interface DashboardDatasourceRef {
  /** The datasource's plugin type, e.g. `prometheus`. */
  readonly type?: string;
  /** The provisioned datasource's uid; none means Grafana's default datasource. */
  readonly uid?: string;
}

/** A panel of a dashboard model, or a row (`type: 'row'`) holding panels. */
export interface DashboardPanelModel {
  /** The panel plugin (`timeseries`, `stat`, ...), or `row`. */
  readonly type: string;
  /** Unique within the dashboard; numbered when not every panel has one. */
  readonly id?: number;
  readonly title?: string;
  /** The datasource of the panel's queries, unless a query names its own. */
  readonly datasource?: DashboardDatasourceRef;
  /** The panel's queries; each may name its own datasource. */
  readonly targets?: readonly unknown[];
  /** A row's panels. */
  readonly panels?: readonly DashboardPanelModel[];
}

/**
 * A Grafana dashboard JSON model, as `DashboardBuilder.build()` of `@grafana/grafana-foundation-sdk`
 * returns it. Only the fields the stack checks are typed; the model is provisioned as it is.
 */
export interface DashboardModel {
  /** Required to provision: 1 to 40 letters, digits, '-' or '_', stable so links survive. */
  readonly uid?: string;
  /** Required to provision, unique in the folder. */
  readonly title?: string;
  readonly panels?: readonly DashboardPanelModel[];
  /** The dashboard's variables; each may name a datasource. */
  readonly templating?: { readonly list?: readonly { readonly name: string; readonly datasource?: DashboardDatasourceRef }[] };
}

/** A dashboard this project provisions: its uid, the file name in its ConfigMap, and the JSON model. */
export interface ProvisionedDashboard {
  /** The stable dashboard uid (links and bookmarks survive re-provisioning). */
  readonly uid: string;
  /** A DNS-label slug, used for the ConfigMap name and the file name. */
  readonly slug: string;
  readonly title: string;
  /** The dashboard JSON model, as Grafana's SDK built it. */
  readonly model: DashboardModel;
}

/**
 * Gives every panel and row of a built dashboard a unique id in order (the SDK leaves them unset
 * or at 0, and Grafana keys panel state, links and edits by id).
 */
export function numberPanels(model: DashboardModel): DashboardModel {
  let id = 1;
  const panels = (model.panels ?? []).map((panel): DashboardPanelModel => {
    const numbered = { ...panel, id: id++ };
    if (numbered.type === 'row' && Array.isArray(numbered.panels)) return { ...numbered, panels: numbered.panels.map((p) => ({ ...p, id: id++ })) };
    return numbered;
  });
  return { ...model, panels };
}
