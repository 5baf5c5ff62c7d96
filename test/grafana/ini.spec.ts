import { buildGrafanaIni, mergeIni, resolveGrafanaSettings, serializeIni } from '../../charts/grafana';

const links = { tempo: { url: 'http://tempo.tempo.svc.cluster.local:3200', metricsGenerator: false }, prometheus: { url: 'http://prometheus.tempo.svc.cluster.local:9090' } };

/** Reads INI the way go-ini does for what the serializer writes: sections, `key = value`, backtick-quoted raw values. */
function parseIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section = '';
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) { section = header[1]; out[section] = {}; continue; }
    const kv = /^([^=]+?) = (.*)$/.exec(line);
    if (!kv) throw new Error(`unparsable line '${line}'`);
    const raw = kv[2];
    out[section][kv[1]] = raw.startsWith('`') && raw.endsWith('`') ? raw.slice(1, -1) : raw;
  }
  return out;
}

describe('INI serializer', () => {
  test('writes sections in order with key = value lines and a blank line between sections', () => {
    expect(serializeIni({ server: { http_port: 3000, root_url: 'https://g.example.com/' }, 'auth.anonymous': { enabled: false } }))
      .toBe('[server]\nhttp_port = 3000\nroot_url = https://g.example.com/\n\n[auth.anonymous]\nenabled = false\n');
  });

  test('writes booleans as true/false and numbers in decimal', () => {
    expect(serializeIni({ s: { a: true, b: false, c: 0.5, d: 10 } })).toBe('[s]\na = true\nb = false\nc = 0.5\nd = 10\n');
  });

  test('leaves out empty sections and writes nothing for an empty file', () => {
    expect(serializeIni({ empty: {}, s: { a: 'x' } })).toBe('[s]\na = x\n');
    expect(serializeIni({})).toBe('');
  });

  test('quotes values go-ini would cut at a comment character or trim, and reads them back unchanged', () => {
    const values = { semicolon: 'a;b', hash: 'color #fff', padded: ' x ', quote: 'say "hi"' };
    const text = serializeIni({ s: values });
    expect(text).toContain('semicolon = `a;b`');
    expect(parseIni(text).s).toEqual(values);
  });

  test('round-trips the generated grafana.ini', () => {
    const ini = buildGrafanaIni(resolveGrafanaSettings({ ...links, rootUrl: 'https://grafana.example.com/', anonymous: true }));
    const parsed = parseIni(serializeIni(ini));
    expect(Object.keys(parsed)).toEqual(Object.keys(ini));
    for (const [section, entries] of Object.entries(ini)) {
      for (const [key, value] of Object.entries(entries)) expect(parsed[section][key]).toBe(String(value));
    }
  });

  test('refuses names and values go-ini would misread', () => {
    expect(() => serializeIni({ 'bad section': { a: 1 } })).toThrow("grafana.ini: section name 'bad section' is not valid");
    expect(() => serializeIni({ s: { 'a b': 1 } })).toThrow("grafana.ini: key 'a b' in [s] is not valid");
    expect(() => serializeIni({ s: { a: 'one\ntwo' } })).toThrow('grafana.ini: [s] a must fit on one line, got "one\\ntwo"');
    expect(() => serializeIni({ s: { a: 'x`;y' } })).toThrow('grafana.ini: [s] a cannot contain a backtick, got "x`;y"');
    expect(() => serializeIni({ s: { a: Infinity } })).toThrow('grafana.ini: [s] a must be a finite number, got Infinity');
    expect(() => serializeIni({ s: { a: null as unknown as string } })).toThrow('grafana.ini: [s] a must be a string, number or boolean, got null');
  });
});

describe('mergeIni', () => {
  test('overrides replace keys, add keys and sections, and leave the inputs unchanged', () => {
    const base = { server: { http_port: 3000, domain: 'a' }, log: { mode: 'console' } };
    const overrides = { server: { domain: 'b', enforce_domain: true }, smtp: { enabled: true } };
    expect(mergeIni(base, overrides)).toEqual({
      server: { http_port: 3000, domain: 'b', enforce_domain: true }, log: { mode: 'console' }, smtp: { enabled: true },
    });
    expect(base.server.domain).toBe('a');
  });
});

describe('grafana.ini', () => {
  const ini = (props = {}) => buildGrafanaIni(resolveGrafanaSettings({ ...links, ...props }));

  test('makes no outbound calls: analytics, update checks, news, gravatar, plugin preinstall and external snapshots off', () => {
    const i = ini();
    expect(i.analytics).toMatchObject({ reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false,
      feedback_links_enabled: false });
    expect(i.news).toEqual({ news_feed_enabled: false });
    expect(i.plugins).toEqual({ preinstall_disabled: true });
    expect(i.security).toEqual({ disable_gravatar: true });
    expect(i.snapshots).toEqual({ external_enabled: false });
  });

  test('no sign-up and no anonymous access by default; anonymous gives a read-only Viewer', () => {
    expect(ini().users).toEqual({ allow_sign_up: false });
    expect(ini()['auth.anonymous']).toEqual({ enabled: false });
    expect(ini({ anonymous: true })['auth.anonymous']).toEqual({ enabled: true, org_role: 'Viewer' });
  });

  test('root_url only when rootUrl is given', () => {
    expect(ini().server).not.toHaveProperty('root_url');
    expect(ini({ rootUrl: 'https://grafana.example.com/' }).server.root_url).toBe('https://grafana.example.com/');
  });

  test('paths are the image\'s, logs go to the console, SQLite by default', () => {
    expect(ini().paths).toEqual({ data: '/var/lib/grafana', logs: '/var/log/grafana', plugins: '/var/lib/grafana/plugins',
      provisioning: '/etc/grafana/provisioning' });
    expect(ini().log).toEqual({ mode: 'console' });
    expect(ini().database).toEqual({ type: 'sqlite3', path: 'grafana.db' });
  });

  test('an external database is named without its password', () => {
    const database = { type: 'postgres' as const, host: 'pg.db.svc.cluster.local:5432', name: 'grafana', user: 'grafana',
      password: { name: 'grafana-db', key: 'password' } };
    expect(ini({ database }).database).toEqual({ type: 'postgres', host: 'pg.db.svc.cluster.local:5432', name: 'grafana', user: 'grafana',
      ssl_mode: 'require' });
    expect(ini({ database: { ...database, type: 'mysql', host: 'mysql:3306' } }).database).toEqual({ type: 'mysql', host: 'mysql:3306',
      name: 'grafana', user: 'grafana' });
  });

  test('iniOverrides are merged last', () => {
    const i = ini({ iniOverrides: { analytics: { reporting_enabled: true }, 'auth.generic_oauth': { enabled: true } } });
    expect(i.analytics.reporting_enabled).toBe(true);
    expect(i.analytics.check_for_updates).toBe(false);
    expect(i['auth.generic_oauth']).toEqual({ enabled: true });
  });
});
