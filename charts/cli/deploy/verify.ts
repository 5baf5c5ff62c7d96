import type { PortRole } from '../../manifest';
import { DeployContext, say } from './context';
import { portWithRole, selectorText } from './environment';
import { BackgroundCommand, HttpRequest } from './io';
import { Failure } from './kubectl';

/** The service name of the verification trace. */
export const VERIFY_SERVICE = 'tempo-stack-verify';

const POLL_SECONDS = 5;

/** One probe's outcome: passed or not, and what it found. */
interface Probe {
  readonly ok: boolean;
  readonly detail: string;
}

/** The first line of a text, at most 200 characters. */
function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 200);
}

function json(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The health checks and the end-to-end verification: port-forwards to the Services the manifest
 * names by role, one line per check, polled within --timeout. `close()` ends the port-forwards.
 */
export class Verification {
  private checks = 0;
  private failed = 0;
  private traceId = '';
  private spanId = '';
  private traceSent = false;
  private readonly forwards = new Map<string, { command: BackgroundCommand; ports: number[] }>();
  private readonly urls = new Map<PortRole, string>();
  private services = new Set<string>();

  constructor(private readonly c: DeployContext) {}

  /** Ends every port-forward this run started. */
  public async close(): Promise<void> {
    await Promise.all([...this.forwards.values()].map((f) => f.command.stop()));
  }

  private line(status: 'ok' | 'FAIL' | 'skip', label: string, detail: string): void {
    if (status !== 'skip') this.checks++;
    if (status === 'FAIL') this.failed++;
    say(this.c, `${status.padEnd(4)}  ${label.padEnd(36)} ${detail}`);
  }

  /** Runs a probe until it passes, every 5 s within --timeout (at least once). */
  private async poll(probe: () => Promise<Probe>): Promise<Probe> {
    const attempts = Math.max(1, Math.floor(this.c.options.timeoutSeconds / POLL_SECONDS));
    for (let attempt = 1; ; attempt++) {
      const result = await probe();
      if (result.ok || attempt >= attempts) return result;
      await this.c.io.sleep(POLL_SECONDS * 1000);
    }
  }

  private async check(label: string, probe: () => Promise<Probe>): Promise<void> {
    const result = await this.poll(probe);
    this.line(result.ok ? 'ok' : 'FAIL', label, result.detail);
  }

  private async http(request: Omit<HttpRequest, 'method'> & { method?: HttpRequest['method'] }): Promise<{ status: string; body: string }> {
    const response = await this.c.io.http({ method: 'GET', ...request });
    return { status: String(response.status).padStart(3, '0'), body: response.body };
  }

  /** True when the Service with this role exists in the cluster (labelled as the stack's). */
  private live(role: PortRole): boolean {
    const found = portWithRole(this.c.manifest, role);
    return found !== undefined && this.services.has(found.service.name);
  }

  /** Starts one port-forward per Service, for the ports of the given roles it serves. */
  private startForwards(roles: readonly PortRole[]): void {
    const wanted = new Map<string, number[]>();
    for (const role of roles) {
      const found = portWithRole(this.c.manifest, role);
      if (!found || !this.services.has(found.service.name)) continue;
      wanted.set(found.service.name, [...(wanted.get(found.service.name) ?? []), found.port.port]);
    }
    const k = this.c.kubectl;
    // All start at once and come up in parallel; kubectl picks free local ports and prints them.
    for (const [service, ports] of wanted) {
      const command = k.start(k.ns('port-forward', `svc/${service}`, ...ports.map((p) => `:${p}`), '--address', '127.0.0.1'));
      this.forwards.set(service, { command, ports });
    }
  }

  /** The local URL of a role's port, once its port-forward printed it; else the reason there is none. */
  private async localUrl(role: PortRole): Promise<{ url?: string; error?: string }> {
    const found = portWithRole(this.c.manifest, role)!;
    const forward = this.forwards.get(found.service.name)!;
    for (let attempt = 0; attempt < 500; attempt++) {
      const printed = forward.command.output().matchAll(/^Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/gm);
      const local = new Map([...printed].map((m) => [Number(m[2]), m[1]]));
      if (forward.ports.every((p) => local.has(p))) return { url: `http://127.0.0.1:${local.get(found.port.port)}` };
      if (!forward.command.running()) break;
      await this.c.io.sleep(20);
    }
    const output = forward.command.output().replace(/\n/g, ' ');
    return { error: `kubectl port-forward svc/${found.service.name}: ${output || 'no local port within 10 s'}` };
  }

  /** Tempo's /ready, Prometheus's /-/ready and Grafana's /api/health through port-forwards. */
  public async healthChecks(): Promise<void> {
    const c = this.c;
    const selector = selectorText(c.manifest.ownership.selector);
    const listed = await c.kubectl.must(c.kubectl.ns('get', 'services', '-l', selector, '-o', 'name'));
    this.services = new Set(listed.split('\n').filter((l) => l.startsWith('service/')).map((l) => l.slice('service/'.length)));
    const tempo = portWithRole(c.manifest, 'tempo-http');
    if (!tempo || !this.services.has(tempo.service.name)) {
      throw new Failure(`no Service ${tempo?.service.name ?? 'with Tempo\'s HTTP API'} labelled ${selector} in namespace ${c.manifest.namespace}`);
    }
    this.startForwards(['tempo-http', 'otlp-http', 'prometheus-http', 'grafana-http']);
    const checks: Array<[PortRole, string, (url: string) => Promise<Probe>]> = [
      ['tempo-http', 'tempo /ready', (url) => this.ready(`${url}/ready`)],
      ['prometheus-http', 'prometheus /-/ready', (url) => this.ready(`${url}/-/ready`)],
      ['grafana-http', 'grafana /api/health', (url) => this.grafanaHealth(url)],
    ];
    for (const [role, label, probe] of checks) {
      if (!this.live(role)) continue;
      const local = await this.localUrl(role);
      if (!local.url) {
        this.line('FAIL', label, local.error!);
        continue;
      }
      this.urls.set(role, local.url);
      if (role === 'tempo-http' && this.live('otlp-http')) {
        const otlp = await this.localUrl('otlp-http');
        if (otlp.url) this.urls.set('otlp-http', otlp.url);
      }
      await this.check(label, () => probe(local.url!));
    }
  }

  private async ready(url: string): Promise<Probe> {
    const r = await this.http({ url });
    return { ok: r.status === '200', detail: `HTTP ${r.status}: ${firstLine(r.body)}` };
  }

  private async grafanaHealth(url: string): Promise<Probe> {
    const r = await this.http({ url: `${url}/api/health` });
    const body = json(r.body);
    if (r.status === '200' && body?.database === 'ok') return { ok: true, detail: `database ok, Grafana ${body.version ?? ''}` };
    return { ok: false, detail: `HTTP ${r.status}: ${firstLine(r.body)}` };
  }

  /** Whether every check so far passed. */
  public get passing(): boolean {
    return this.failed === 0;
  }

  /** Sends a trace, reads it back, and checks scraping, alert rules, datasources and span metrics. */
  public async endToEnd(): Promise<void> {
    const c = this.c;
    const tempoUrl = this.urls.get('tempo-http');
    const otlpUrl = this.urls.get('otlp-http');
    if (!tempoUrl || !otlpUrl) {
      this.line('FAIL', 'otlp: send a trace', 'no port-forward to Tempo');
      return;
    }
    this.traceId = c.io.randomBytes(16).toString('hex');
    this.spanId = c.io.randomBytes(8).toString('hex');
    const sent = await this.sendTrace(otlpUrl);
    if (sent.ok) {
      this.traceSent = true;
      this.line('ok', 'otlp: send a trace', `trace ${this.traceId} accepted over OTLP/HTTP (${sent.detail})`);
      await this.check('tempo: trace by id', () => this.traceById(tempoUrl));
      await this.check('tempo: TraceQL search', () => this.traceQl(tempoUrl));
    } else {
      this.line('FAIL', 'otlp: send a trace', sent.detail);
    }

    const prometheusUrl = this.urls.get('prometheus-http');
    const prometheus = portWithRole(c.manifest, 'prometheus-http');
    if (prometheusUrl) {
      for (const [job, workloads] of this.scrapedWorkloads()) {
        const pods: string[] = [];
        for (const w of workloads) {
          const r = await c.kubectl.tryShown(c.kubectl.ns('get', 'pods', '-l', selectorText(w.selector),
            '-o', 'go-template={{range .items}}{{.metadata.name}} {{end}}'));
          if (r.code === 0) pods.push(...r.stdout.split(/\s+/).filter((p) => p !== ''));
        }
        const component = workloads[0].component;
        await this.check(`prometheus: scrapes every ${component} pod`, () => this.scraped(prometheusUrl, job, pods, component));
      }
      const declared = c.manifest.components.find((x) => x.name === prometheus!.component)?.alertRules ?? 0;
      await this.check('prometheus: alert rules', () => this.alertRules(prometheusUrl, declared));
    } else if (!this.live('prometheus-http')) {
      this.line('skip', 'prometheus', `environment ${c.options.env} has no Prometheus`);
    }

    const grafanaUrl = this.urls.get('grafana-http');
    const grafana = c.manifest.components.find((x) => x.adminSecret !== undefined);
    if (grafanaUrl && grafana?.adminSecret) {
      const login = await this.grafanaLogin(grafana.adminSecret);
      if (login) {
        for (const uid of grafana.datasources ?? []) await this.check(`grafana: datasource ${uid}`, () => this.datasource(grafanaUrl, uid, login));
      } else {
        const s = grafana.adminSecret;
        this.line('FAIL', 'grafana: datasources',
          `cannot read Secret ${s.name} (keys ${s.userKey}, ${s.passwordKey}) in namespace ${c.manifest.namespace}`);
      }
    } else if (!this.live('grafana-http')) {
      this.line('skip', 'grafana', `environment ${c.options.env} has no Grafana`);
    }

    if (c.manifest.metricsGenerator.processors.includes('span-metrics')) {
      if (!prometheusUrl || !c.manifest.metricsGenerator.writesToStackPrometheus) {
        this.line('skip', 'span metrics', 'the metrics-generator is on but no Prometheus of this stack receives them');
      } else if (!this.traceSent) {
        this.line('skip', 'span metrics', 'no verification trace was accepted');
      } else {
        await this.check('prometheus: span metrics', () => this.spanMetrics(prometheusUrl));
      }
    }
  }

  /** The workloads whose pods Prometheus scrapes, by job. */
  private scrapedWorkloads(): Map<string, Array<{ component: string; selector: Readonly<Record<string, string>> }>> {
    const jobs = new Map<string, Array<{ component: string; selector: Readonly<Record<string, string>> }>>();
    for (const component of this.c.manifest.components) {
      for (const w of component.workloads) {
        if (w.scrapeJob) jobs.set(w.scrapeJob, [...(jobs.get(w.scrapeJob) ?? []), { component: component.name, selector: w.selector }]);
      }
    }
    return jobs;
  }

  private async sendTrace(otlpUrl: string): Promise<Probe> {
    const end = this.c.io.nowNanos();
    const attribute = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const body = {
      resourceSpans: [{
        resource: { attributes: [attribute('service.name', VERIFY_SERVICE), attribute('deployment.environment', this.c.options.env)] },
        scopeSpans: [{
          scope: { name: this.c.command.program },
          spans: [{
            traceId: this.traceId, spanId: this.spanId, name: 'verify', kind: 2,
            startTimeUnixNano: String(end - 150_000_000n), endTimeUnixNano: String(end),
            attributes: [attribute('tempo_stack.verify_id', this.traceId)], status: { code: 1 },
          }],
        }],
      }],
    };
    const r = await this.http({
      method: 'POST', url: `${otlpUrl}/v1/traces`, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    return { ok: r.status === '200', detail: `HTTP ${r.status}: ${firstLine(r.body)}` };
  }

  private async traceById(tempoUrl: string): Promise<Probe> {
    const r = await this.http({ url: `${tempoUrl}/api/traces/${this.traceId}` });
    if (r.status === '200' && r.body.includes(`"${VERIFY_SERVICE}"`)) {
      const spans = r.body.split('"spanId"').length - 1;
      return { ok: true, detail: `trace ${this.traceId} read back: ${spans} span(s) of service ${VERIFY_SERVICE}` };
    }
    return { ok: false, detail: `trace ${this.traceId} not found: HTTP ${r.status} ${firstLine(r.body)}` };
  }

  private async traceQl(tempoUrl: string): Promise<Probe> {
    const query = `{ resource.service.name = "${VERIFY_SERVICE}" && span.tempo_stack.verify_id = "${this.traceId}" }`;
    const r = await this.http({ url: `${tempoUrl}/api/search?${new URLSearchParams({ q: query, limit: '20' })}` });
    // Tempo's search results drop the trace id's leading zeros.
    const short = this.traceId.replace(/^0+/, '');
    if (r.status === '200' && (r.body.includes(`"${this.traceId}"`) || r.body.includes(`"${short}"`))) {
      return { ok: true, detail: `found by ${query}` };
    }
    return { ok: false, detail: `not found by ${query}: HTTP ${r.status} ${firstLine(r.body)}` };
  }

  private query(prometheusUrl: string, query: string): Promise<{ status: string; body: string }> {
    return this.http({ url: `${prometheusUrl}/api/v1/query?${new URLSearchParams({ query })}` });
  }

  private async scraped(prometheusUrl: string, job: string, pods: readonly string[], component: string): Promise<Probe> {
    const selector = `up{job="${job}"}`;
    const r = await this.query(prometheusUrl, selector);
    if (r.status !== '200') return { ok: false, detail: `query failed: HTTP ${r.status} ${firstLine(r.body)}` };
    const seen = new Map<string, string>();
    for (const s of json(r.body)?.data?.result ?? []) if (s?.metric?.pod) seen.set(s.metric.pod, String(s.value?.[1]));
    const up = pods.filter((p) => seen.get(p) === '1');
    const down = pods.filter((p) => seen.has(p) && seen.get(p) !== '1');
    const missing = pods.filter((p) => !seen.has(p));
    if (pods.length === 0) return { ok: false, detail: `no ${component} pods found in namespace ${this.c.manifest.namespace}` };
    if (down.length === 0 && missing.length === 0) return { ok: true, detail: `${selector} is 1 for ${up.join(', ')}` };
    const parts = [
      ...(up.length ? [` 1 for ${up.join(', ')}`] : []), ...(down.length ? [` 0 for ${down.join(', ')}`] : []),
      ...(missing.length ? [` no series for ${missing.join(', ')}`] : []),
    ];
    return { ok: false, detail: `${selector}:${parts.join(';')}` };
  }

  private async alertRules(prometheusUrl: string, declared: number): Promise<Probe> {
    const r = await this.http({ url: `${prometheusUrl}/api/v1/rules?type=alert` });
    const groups: any[] = json(r.body)?.data?.groups ?? [];
    const loaded = groups.flatMap((g) => g?.rules ?? []).filter((rule) => rule?.type === 'alerting').length;
    if (r.status === '200' && loaded > 0 && loaded >= declared) {
      return { ok: true, detail: `${loaded} alert rules loaded in ${groups.length} group(s) (dist/${this.c.options.env} declares ${declared})` };
    }
    return { ok: false, detail: `${loaded} alert rules loaded, dist/${this.c.options.env} declares ${declared} (HTTP ${r.status})` };
  }

  /** Grafana's admin login from its Secret: kept in memory, sent only in an Authorization header. */
  private async grafanaLogin(secret: { name: string; userKey: string; passwordKey: string }): Promise<string | undefined> {
    const k = this.c.kubectl;
    const template = `go-template={{index .data "${secret.userKey}" | base64decode}}{{"\\n"}}{{index .data "${secret.passwordKey}" | base64decode}}`;
    const r = await k.try(k.ns('get', 'secret', secret.name, '-o', template));
    if (r.code !== 0) return undefined;
    const newline = r.stdout.indexOf('\n');
    const [user, password] = newline < 0 ? [r.stdout, ''] : [r.stdout.slice(0, newline), r.stdout.slice(newline + 1)];
    return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  private async datasource(grafanaUrl: string, uid: string, authorization: string): Promise<Probe> {
    const r = await this.http({
      url: `${grafanaUrl}/api/datasources/uid/${encodeURIComponent(uid)}/health`, headers: { Authorization: authorization },
    });
    const body = json(r.body);
    const message: string = typeof body?.message === 'string' ? body.message : '';
    if (r.status === '200' && body?.status === 'OK') return { ok: true, detail: `OK: ${message}` };
    return { ok: false, detail: `HTTP ${r.status}: ${message || firstLine(r.body)}` };
  }

  private async spanMetrics(prometheusUrl: string): Promise<Probe> {
    const query = `sum(traces_spanmetrics_calls_total{service="${VERIFY_SERVICE}"})`;
    const r = await this.query(prometheusUrl, query);
    const value = json(r.body)?.data?.result?.[0]?.value?.[1];
    if (r.status === '200' && value !== undefined) return { ok: true, detail: `${query} = ${value}` };
    return { ok: false, detail: `no series for ${query} yet (HTTP ${r.status})` };
  }

  /** `all N checks passed`, or a Failure naming how many failed. */
  public summary(): void {
    if (this.failed > 0) {
      throw new Failure(`${this.failed} of ${this.checks} checks failed. `
        + `See ${this.c.command.invocation} --env ${this.c.options.env} --status and --logs`);
    }
    say(this.c, `all ${this.checks} checks passed`);
  }

  /** Where to look next: the verification trace, how to open Grafana, where to send traces. */
  public nextSteps(): void {
    const c = this.c;
    const ns = c.manifest.namespace;
    say(c);
    if (this.traceId) say(c, `Verification trace: ${this.traceId} (service ${VERIFY_SERVICE})`);
    const grafana = portWithRole(c.manifest, 'grafana-http');
    const secret = c.manifest.components.find((x) => x.adminSecret)?.adminSecret;
    if (this.urls.has('grafana-http') && grafana && secret) {
      const p = grafana.port.port;
      say(c, `Open Grafana: kubectl -n ${ns} port-forward svc/${grafana.service.name} ${p}:${p}, then http://localhost:${p}/explore`);
      say(c, `  user: kubectl -n ${ns} get secret ${secret.name} -o go-template='{{index .data "${secret.userKey}" | base64decode}}'`);
      say(c, `  password: kubectl -n ${ns} get secret ${secret.name} -o go-template='{{index .data "${secret.passwordKey}" | base64decode}}'`);
    }
    const http = portWithRole(c.manifest, 'otlp-http');
    const grpc = portWithRole(c.manifest, 'otlp-grpc');
    if (http || grpc) {
      const where = [http && `${http.port.url ?? `http://${http.port.address}`} (OTLP/HTTP)`, grpc && `${grpc.port.address} (OTLP/gRPC)`];
      say(c, `Send traces to ${where.filter(Boolean).join(' or ')}`);
    }
  }
}
