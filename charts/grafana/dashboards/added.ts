import { fail } from '../../shared/validate';
import { DashboardDatasourceRef, DashboardModel, DashboardPanelModel, ProvisionedDashboard, numberPanels } from './model';

/** Grafana's rule for a dashboard uid: at most 40 letters, digits, '-' or '_'. */
const UID = /^[a-zA-Z0-9_-]{1,40}$/;

/**
 * Checks a dashboard a user built with `@grafana/grafana-foundation-sdk` (`DashboardBuilder.build()`)
 * and returns it ready to provision next to `existing`. Throws a ConfigError when the uid is
 * missing or malformed, the uid, title or slug is already taken, or a panel, one of its queries
 * or a variable names a datasource uid that is not in `datasourceUids`.
 *
 * The slug (ConfigMap and file name) is the uid in lower case with '_' as '-'. Panels are numbered
 * in order unless every panel already has its own id.
 */
export function checkAddedDashboard(
  model: DashboardModel, existing: readonly ProvisionedDashboard[], datasourceUids: readonly string[],
): ProvisionedDashboard {
  if (!model || typeof model.title !== 'string' || model.title.trim() === '') {
    fail('grafana', 'addDashboard.title', 'must not be empty', model?.title,
      'build the dashboard with new DashboardBuilder(\'My title\') and pass builder.build()');
  }
  const title = model.title;
  const prop = `dashboards['${title}']`;
  const uid = model.uid;
  if (typeof uid !== 'string' || !UID.test(uid) || !/[a-zA-Z0-9]/.test(uid)) {
    fail('grafana', `${prop}.uid`, 'must be 1 to 40 letters, digits, \'-\' or \'_\'', uid,
      'set a stable uid with .uid(\'my-app\') so links and bookmarks survive re-provisioning');
  }
  const sameUid = existing.find((d) => d.uid === uid);
  if (sameUid) fail('grafana', `${prop}.uid`, `is already used by dashboard '${sameUid.title}'`, uid, 'give every dashboard its own uid');
  const sameTitle = existing.find((d) => d.title === title);
  if (sameTitle) {
    fail('grafana', `${prop}.title`, `is already used by dashboard uid '${sameTitle.uid}' in the same folder`, title,
      'give every dashboard its own title');
  }
  const slug = uid.toLowerCase().replace(/_/g, '-').replace(/^-+|-+$/g, '').replace(/-{2,}/g, '-');
  const sameSlug = existing.find((d) => d.slug === slug);
  if (sameSlug) {
    fail('grafana', `${prop}.uid`, `maps to the ConfigMap suffix '${slug}', already used by dashboard uid '${sameSlug.uid}'`, uid,
      'pick a uid that differs in more than case, \'-\' and \'_\'');
  }

  const known = new Set(datasourceUids);
  const check = (where: string, ref: DashboardDatasourceRef | undefined) => {
    // A panel or query without a datasource uses Grafana's default datasource, which is provisioned.
    if (ref?.uid === undefined || known.has(ref.uid)) return;
    fail('grafana', `${prop}.${where}.datasource.uid`, 'is not a provisioned datasource', ref.uid,
      `use one of ${[...known].map((u) => `'${u}'`).join(', ')}, or call addDatasource() first`);
  };
  const checkPanel = (panel: DashboardPanelModel, index: number) => {
    const name = `panels['${panel.title || `#${index + 1}`}']`;
    check(name, panel.datasource);
    if (panel.type === 'row') {
      (panel.panels ?? []).forEach((p, i) => checkPanel(p, i));
      return;
    }
    (panel.targets ?? []).forEach((target, i) => {
      const query = target as unknown as { refId?: string; datasource?: DashboardDatasourceRef };
      check(`${name}.targets['${query.refId ?? `#${i + 1}`}']`, query.datasource);
    });
  };
  (model.panels ?? []).forEach(checkPanel);
  for (const variable of model.templating?.list ?? []) check(`templating['${variable.name}']`, variable.datasource);

  const panels = (model.panels ?? []).flatMap((p) => [p, ...(p.type === 'row' ? p.panels ?? [] : [])]);
  const ids = panels.map((p) => p.id);
  const numbered = ids.every((id) => typeof id === 'number' && id > 0) && new Set(ids).size === ids.length;
  return { uid, slug, title, model: numbered ? model : numberPanels(model) };
}
