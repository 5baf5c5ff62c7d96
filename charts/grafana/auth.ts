/**
 * Single sign-on for Grafana: generic OAuth / OpenID Connect and the providers Grafana has built in
 * (GitHub, GitLab, Google, Azure AD / Entra ID, Okta), as grafana.ini sections. The client secret
 * is only ever read from a file of a mounted Secret (`$__file{...}`), never written to dist/.
 */
import { SecretKeyRef } from '../shared/secrets';
import { checkDnsLabel, fail } from '../shared/validate';
import { GrafanaIni, IniValue } from './ini';

const C = 'grafana';

/** Grafana's OAuth providers, by their grafana.ini section (`auth.<provider>`). */
export type GrafanaAuthProvider = 'generic_oauth' | 'github' | 'gitlab' | 'google' | 'azuread' | 'okta';

const PROVIDERS: readonly GrafanaAuthProvider[] = ['generic_oauth', 'github', 'gitlab', 'google', 'azuread', 'okta'];

/** Single sign-on through one OAuth 2.0 / OpenID Connect provider. */
export interface GrafanaAuth {
  /** `generic_oauth` (any OpenID Connect provider: Keycloak, Dex, Authentik...), `github`, `gitlab`, `google`, `azuread` (Entra ID) or `okta`. */
  readonly provider: GrafanaAuthProvider;
  /** The OAuth client id (not secret). */
  readonly clientId: string;
  /** The Secret key holding the client secret; mounted as a file and read with `$__file{...}`. */
  readonly clientSecret: SecretKeyRef;
  /** The label of the login button. @default - Grafana's for the provider */
  readonly name?: string;
  /** Scopes to request. @default - Grafana's for the provider (generic: openid, email, profile) */
  readonly scopes?: readonly string[];
  /** Authorization endpoint: required for generic_oauth and okta. @default - Grafana's for the provider */
  readonly authUrl?: string;
  /** Token endpoint: required for generic_oauth and okta. @default - Grafana's for the provider */
  readonly tokenUrl?: string;
  /** User info endpoint: required for okta. @default - Grafana's for the provider */
  readonly apiUrl?: string;
  /** Entra ID only: the directory (tenant) id; the endpoints and `allowed_organizations` derive from it. @default - required for azuread */
  readonly tenantId?: string;
  /**
   * A JMESPath expression giving the Grafana role (`Viewer`, `Editor`, `Admin`) from the user's
   * claims, e.g. `contains(groups[*], 'sre') && 'Editor' || 'Viewer'`. Entra ID maps roles from its
   * application roles instead. @default - every new user gets the default role (Viewer)
   */
  readonly roleAttributePath?: string;
  /** Refuse the login when the role mapping yields no valid role. @default false */
  readonly roleAttributeStrict?: boolean;
  /** Only users with an e-mail address in these domains may sign in. @default - any domain */
  readonly allowedDomains?: readonly string[];
  /** Only members of these groups may sign in (generic_oauth, gitlab, google, azuread, okta). @default - any group */
  readonly allowedGroups?: readonly string[];
  /** GitHub only: members of these organizations may sign in. @default - any organization */
  readonly allowedOrganizations?: readonly string[];
  /** generic_oauth only: JMESPath to the user's groups in the claims, for `allowedGroups`. @default - Grafana's */
  readonly groupsAttributePath?: string;
  /** Proof Key for Code Exchange. @default true */
  readonly usePkce?: boolean;
  /** Hide the user name and password form: only single sign-on (the admin Secret still works through the API). @default false */
  readonly disableLoginForm?: boolean;
}

/** Where the client secret's Secret is mounted in the Grafana container. */
export const OAUTH_SECRET_DIR = '/etc/grafana/secrets/oauth';

const URL = /^https:\/\/[^\s/]+(\/\S*)?$/;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const GROUP = /^[^\s,]+$/;
const TENANT = /^[0-9a-fA-F-]{36}$|^[a-z0-9][-a-z0-9.]*[a-z0-9]$/;
const GROUP_PROVIDERS: readonly GrafanaAuthProvider[] = ['generic_oauth', 'gitlab', 'google', 'azuread', 'okta'];

function checkList(prop: string, values: readonly string[] | undefined, pattern: RegExp, example: string): readonly string[] | undefined {
  if (values === undefined) return undefined;
  if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'string' || !pattern.test(v))) {
    fail(C, `auth.${prop}`, 'must be a non-empty list of names without spaces or commas', values, `write e.g. ['${example}']`);
  }
  return values;
}

function checkUrl(prop: string, value: string | undefined): void {
  if (value !== undefined && (typeof value !== 'string' || !URL.test(value))) {
    fail(C, `auth.${prop}`, 'must be an https URL', value, 'copy the endpoint from your provider\'s OpenID configuration');
  }
}

/**
 * Checks `auth` and returns it: the client secret a Secret key, the endpoints each provider needs,
 * and no setting the provider ignores (a role mapping Entra ID never reads, groups GitHub does not
 * have, strict role mapping without a mapping).
 */
export function resolveGrafanaAuth(auth: GrafanaAuth): GrafanaAuth {
  const p = auth.provider;
  if (!PROVIDERS.includes(p)) fail(C, 'auth.provider', `must be one of ${PROVIDERS.map((x) => `'${x}'`).join(', ')}`, p, 'pick one of them');
  if (typeof auth.clientId !== 'string' || !/^[\x21-\x7e]+$/.test(auth.clientId)) {
    fail(C, 'auth.clientId', 'must be the OAuth client id', auth.clientId, 'copy the client (application) id from your provider');
  }
  const secret = auth.clientSecret;
  if (!secret) {
    fail(C, 'auth.clientSecret', 'is required (the client secret is read from a Secret, never written into grafana.ini)', secret,
      'create a Secret with the client secret and reference it, e.g. { name: \'grafana-oauth\', key: \'client-secret\' }');
  }
  checkDnsLabel(C, 'auth.clientSecret.name', secret.name, 253, 'grafana-oauth');
  if (typeof secret.key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(secret.key)) {
    fail(C, 'auth.clientSecret.key', 'must be a Secret key (letters, digits, \'-\', \'_\', \'.\')', secret.key,
      'name the key inside the Secret, e.g. \'client-secret\'');
  }
  for (const key of ['authUrl', 'tokenUrl', 'apiUrl'] as const) checkUrl(key, auth[key]);
  const needs: Partial<Record<GrafanaAuthProvider, ReadonlyArray<'authUrl' | 'tokenUrl' | 'apiUrl'>>> = {
    generic_oauth: ['authUrl', 'tokenUrl'], okta: ['authUrl', 'tokenUrl', 'apiUrl'],
  };
  for (const key of needs[p] ?? []) {
    if (auth[key] === undefined) fail(C, `auth.${key}`, `is required with provider '${p}'`, auth[key],
      'copy the endpoint from your provider\'s OpenID configuration');
  }
  if (p === 'azuread') {
    if (auth.tenantId === undefined || !TENANT.test(auth.tenantId)) {
      fail(C, 'auth.tenantId', 'is required with provider \'azuread\' (the directory id, a UUID)', auth.tenantId,
        'copy the Directory (tenant) ID from Microsoft Entra ID > Overview');
    }
    if (auth.roleAttributePath !== undefined) {
      fail(C, 'auth.roleAttributePath', 'is not read by Entra ID (Grafana maps its application roles)', auth.roleAttributePath,
        'remove it and assign the app roles Viewer, Editor or Admin in Entra ID');
    }
  } else if (auth.tenantId !== undefined) {
    fail(C, 'auth.tenantId', 'applies to provider \'azuread\' only', auth.tenantId, 'remove it');
  }
  if (auth.roleAttributeStrict && auth.roleAttributePath === undefined && p !== 'azuread') {
    fail(C, 'auth.roleAttributeStrict', 'refuses every login without roleAttributePath', auth.roleAttributeStrict,
      'set roleAttributePath, or leave roleAttributeStrict off');
  }
  if (auth.roleAttributePath !== undefined && (typeof auth.roleAttributePath !== 'string' || auth.roleAttributePath.trim() === ''
    || /[\r\n]/.test(auth.roleAttributePath))) {
    fail(C, 'auth.roleAttributePath', 'must be a JMESPath expression on one line', auth.roleAttributePath,
      'write e.g. "contains(groups[*], \'sre\') && \'Editor\' || \'Viewer\'"');
  }
  checkList('scopes', auth.scopes, SCOPE, 'openid');
  checkList('allowedDomains', auth.allowedDomains, DOMAIN, 'example.com');
  checkList('allowedGroups', auth.allowedGroups, GROUP, 'tracing-users');
  checkList('allowedOrganizations', auth.allowedOrganizations, GROUP, 'my-org');
  if (auth.allowedGroups && !GROUP_PROVIDERS.includes(p)) {
    fail(C, 'auth.allowedGroups', `is not supported by provider '${p}'`, auth.allowedGroups, 'use allowedOrganizations for GitHub');
  }
  if (auth.allowedOrganizations && p !== 'github') {
    fail(C, 'auth.allowedOrganizations', 'applies to provider \'github\' only', auth.allowedOrganizations,
      p === 'azuread' ? 'the tenantId already limits Entra ID to its directory' : 'use allowedGroups');
  }
  if (auth.groupsAttributePath !== undefined && p !== 'generic_oauth') {
    fail(C, 'auth.groupsAttributePath', 'applies to provider \'generic_oauth\' only', auth.groupsAttributePath, 'remove it');
  }
  if (auth.name !== undefined && (typeof auth.name !== 'string' || !/^[^\r\n;#`"]{1,64}$/.test(auth.name))) {
    fail(C, 'auth.name', 'must be a short label on one line', auth.name, 'write e.g. \'Company SSO\'');
  }
  return auth;
}

/** The file the client secret is read from. */
export function oauthSecretFile(auth: GrafanaAuth): string {
  return `${OAUTH_SECRET_DIR}/${auth.clientSecret.key}`;
}

/**
 * The grafana.ini sections for single sign-on: `[auth.<provider>]` with the client secret read from
 * its file, and `[auth] disable_login_form` when asked.
 */
export function buildAuthIni(auth: GrafanaAuth): GrafanaIni {
  const p = auth.provider;
  const list = (values: readonly string[] | undefined) => values?.join(' ');
  const section: Record<string, IniValue | undefined> = {
    enabled: true,
    name: auth.name,
    client_id: auth.clientId,
    client_secret: `$__file{${oauthSecretFile(auth)}}`,
    scopes: list(auth.scopes) ?? (p === 'generic_oauth' ? 'openid email profile' : undefined),
    auth_url: auth.authUrl ?? (p === 'azuread' ? `https://login.microsoftonline.com/${auth.tenantId}/oauth2/v2.0/authorize` : undefined),
    token_url: auth.tokenUrl ?? (p === 'azuread' ? `https://login.microsoftonline.com/${auth.tenantId}/oauth2/v2.0/token` : undefined),
    api_url: auth.apiUrl,
    // Users who sign in for the first time get an account; who may sign in at all is the provider's and the lists' business.
    allow_sign_up: true,
    use_pkce: auth.usePkce ?? true,
    role_attribute_path: auth.roleAttributePath,
    role_attribute_strict: auth.roleAttributeStrict ?? false,
    // Google's provider skips role sync unless told otherwise, which would ignore the mapping.
    ...(p === 'google' && auth.roleAttributePath !== undefined ? { skip_org_role_sync: false } : {}),
    allowed_domains: list(auth.allowedDomains),
    allowed_groups: list(auth.allowedGroups),
    allowed_organizations: p === 'azuread' ? auth.tenantId : list(auth.allowedOrganizations),
    groups_attribute_path: auth.groupsAttributePath,
  };
  const defined = Object.fromEntries(Object.entries(section).filter(([, v]) => v !== undefined)) as Record<string, IniValue>;
  return {
    [`auth.${p}`]: defined,
    ...(auth.disableLoginForm ? { auth: { disable_login_form: true } } : {}),
  };
}
