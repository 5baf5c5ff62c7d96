import { ImageRef } from '../shared/images';
import { ResourceOverrides } from '../shared/merge';
import { NamespaceSelection } from '../shared/network';

/** Where the gateway sends what it admits: taken from what the Tempo construct exposes, never typed twice. */
export interface GatewayTempoLink {
  /** Tempo's OTLP/gRPC receiver, `host:port`, e.g. `tempo.tempo.svc.cluster.local:4317`. */
  readonly otlpGrpc: string;
  /** Tempo's OTLP/HTTP receiver, `host:port`, e.g. `tempo.tempo.svc.cluster.local:4318`. */
  readonly otlpHttp: string;
  /** Tempo's HTTP API (search, traces), `host:port`, for `exposeQuery`. @default - no query route */
  readonly query?: string;
  /**
   * The largest request Tempo's distributor can ever admit, in bytes: its `burst_size_bytes` (a
   * request larger than the token bucket is refused with 429 for ever, and the exporter retries it).
   * The gateway refuses larger bodies with 413, which OTLP exporters do not retry.
   * @default 16777216 (Tempo's gRPC server's `grpc_server_max_recv_msg_size`)
   */
  readonly maxRequestBytes?: number;
}

/**
 * Basic authentication from an htpasswd file in a Secret the user creates (`htpasswd -B`, or
 * `openssl passwd -apr1` / `-5` for each line `user:hash`).
 */
export interface GatewayBasicAuth {
  readonly type: 'basic';
  /** The Secret holding the htpasswd file. Never synthesized. */
  readonly secretName: string;
  /** The key of the htpasswd file inside the Secret. @default 'htpasswd' */
  readonly key?: string;
  /**
   * User name -> tenant: the gateway sets `X-Scope-OrgID` to the user's tenant (and drops any the
   * sender sent). Users not listed reach Tempo without a tenant (with Tempo's multitenancy on, Tempo
   * refuses them).
   * @default - no tenants
   */
  readonly tenants?: Readonly<Record<string, string>>;
}

/**
 * Bearer tokens, one per sender, from a Secret the user creates. Its key holds one line per
 * sender, `<token> <sender>;` (an nginx map entry; tokens of letters, digits and `-._~+/=`, e.g.
 * `openssl rand -hex 32`), so tokens never appear in dist/; the senders and their tenants are
 * listed here.
 */
export interface GatewayBearerAuth {
  readonly type: 'bearer';
  /** The Secret holding the token file. Never synthesized. */
  readonly secretName: string;
  /** The key of the token file inside the Secret. @default 'tokens.map' */
  readonly key?: string;
  /**
   * Every sender the token file names -> its tenant, or `''` for none. A token of a sender not
   * listed here is refused (401), so a sender is switched off by removing it.
   */
  readonly senders: Readonly<Record<string, string>>;
}

/**
 * How senders authenticate.
 * @discriminator type
 */
export type GatewayAuth = GatewayBasicAuth | GatewayBearerAuth;

/** An Issuer or ClusterIssuer of cert-manager. */
export interface CertManagerIssuer {
  /** `Issuer` (in the stack's namespace) or `ClusterIssuer`. @default 'ClusterIssuer' */
  readonly kind?: 'Issuer' | 'ClusterIssuer';
  /** The issuer's name, e.g. `letsencrypt-prod`. */
  readonly name: string;
}

/**
 * TLS termination at the gateway: a `kubernetes.io/tls` Secret the user provides, or a cert-manager
 * `Certificate` the stack creates for `dnsNames` (its Secret is `<name>-tls`).
 */
export interface GatewayTls {
  /** An existing TLS Secret (`tls.crt`, `tls.key`). Exclusive with `issuer`. @default - from `issuer` */
  readonly secretName?: string;
  /** A cert-manager issuer: the stack creates a Certificate. Exclusive with `secretName`. @default - from `secretName` */
  readonly issuer?: CertManagerIssuer;
  /** The names the certificate covers (with `issuer`), e.g. `['otlp.example.com']`. @default - required with `issuer` */
  readonly dnsNames?: readonly string[];
}

/** A parent Gateway of a Gateway API route. */
export interface GatewayParentRef {
  /** The Gateway's name. */
  readonly name: string;
  /** The Gateway's namespace. @default - the route's namespace */
  readonly namespace?: string;
  /** The Gateway listener to attach to. @default - every listener that admits the route */
  readonly sectionName?: string;
}

/** How the gateway is reached from outside the cluster. */
export interface GatewayExpose {
  /**
   * The gateway Service's type: `LoadBalancer` exposes both OTLP ports directly (then set `tls`).
   * @default 'ClusterIP'
   */
  readonly serviceType?: 'ClusterIP' | 'LoadBalancer';
  /** Annotations of the Service (a cloud load balancer's settings). @default - none */
  readonly serviceAnnotations?: Readonly<Record<string, string>>;
  /** Source CIDRs a LoadBalancer admits. @default - every address */
  readonly loadBalancerSourceRanges?: readonly string[];
  /**
   * An Ingress for OTLP/HTTP (`/v1/traces`): class, host, annotations; optionally a second one for
   * OTLP/gRPC (`grpc`), which needs controller-specific annotations (docs/exposure.md).
   * @default - no Ingress
   */
  readonly ingress?: {
    readonly className?: string;
    readonly host: string;
    readonly annotations?: Readonly<Record<string, string>>;
    /** A TLS Secret for the Ingress (cert-manager fills it when its annotation is set). @default - no TLS on the Ingress */
    readonly tlsSecretName?: string;
    /**
     * A second Ingress `<name>-grpc` for OTLP/gRPC on a host of its own (path `/` to port 4317):
     * gRPC clients need HTTP/2, which they negotiate by TLS, so `tlsSecretName` is required; the
     * annotations tell the controller to speak gRPC to the gateway (ingress-nginx:
     * `nginx.ingress.kubernetes.io/backend-protocol: GRPC`, docs/exposure.md).
     * @default - no gRPC Ingress
     */
    readonly grpc?: {
      readonly host: string;
      readonly tlsSecretName: string;
      readonly annotations?: Readonly<Record<string, string>>;
    };
  };
  /** A Gateway API HTTPRoute (OTLP/HTTP) and GRPCRoute (OTLP/gRPC) attached to these parents. @default - no routes */
  readonly routes?: {
    readonly parentRefs: readonly GatewayParentRef[];
    readonly hostnames?: readonly string[];
  };
}

/** Settings of the authenticating OTLP gateway in front of Tempo's distributors. */
export interface GatewayProps {
  /** Name of the Deployment, its Service and ConfigMap. A DNS label. @default 'otlp-gateway' */
  readonly name?: string;
  /** Namespace the objects live in. @default - the chart's namespace, else 'default' */
  readonly namespace?: string;
  /** The image; nginx-unprivileged (UID 101), the tag pinned. @default nginxinc/nginx-unprivileged:1.29.0-alpine */
  readonly image?: ImageRef;
  /** Replicas (stateless). @default 2 */
  readonly replicas?: number;
  /** CPU and memory on top of the defaults. @default requests 100m / 64Mi, limits 1 / 256Mi */
  readonly resources?: ResourceOverrides;
  /** Tempo, as the Tempo construct exposes it. */
  readonly tempo: GatewayTempoLink;
  /** How senders authenticate. */
  readonly auth: GatewayAuth;
  /**
   * The tenants Tempo knows; every tenant a credential maps to must be one of them.
   * @default - any tenant name Tempo accepts
   */
  readonly knownTenants?: readonly string[];
  /** TLS termination at the gateway. @default - plain text (behind an Ingress or Gateway that terminates TLS) */
  readonly tls?: GatewayTls;
  /** Exposure outside the cluster. @default - a ClusterIP Service only */
  readonly expose?: GatewayExpose;
  /** Route Tempo's query API (`/api/`) through the gateway on its own port, behind the same auth. @default false */
  readonly exposeQuery?: boolean;
  /** Seconds to wait for Tempo to answer a request. @default 30 */
  readonly timeoutSeconds?: number;
  /**
   * The namespaces whose pods may reach the gateway's OTLP ports (a LoadBalancer's traffic keeps its
   * external source, so `'all'` is the default).
   * @default 'all'
   */
  readonly fromNamespaces?: NamespaceSelection;
}
