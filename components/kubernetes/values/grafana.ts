import { K8S_PORTS, K8S_SECRET_KEYS } from "../names";
import { type Persistence, type Resources, gibibytes, resources } from "./common";

/** Options for Grafana's values. */
export interface GrafanaOptions {
  /** Grafana's memory limit, in MiB. */
  readonly memoryMb: number;
  /** Grafana's volume (its SQLite database, plugins). */
  readonly storage: Persistence;
  /** Secret with keys admin-user and admin-password. */
  readonly adminSecret: string;
  /** The URL people open Grafana at (server.root_url), used in links and e-mails. */
  readonly rootUrl: string;
  /** An Ingress for this host; absent, none. */
  readonly ingress?: { readonly host: string; readonly className?: string };
  /** E-mail sending; absent, Grafana sends none. */
  readonly smtp?: {
    readonly host: string;
    /** SMTP login; empty for a relay without authentication. */
    readonly user: string;
    readonly fromAddress: string;
    /** Secret key holding the SMTP password. */
    readonly passwordSecret?: { readonly name: string; readonly key: string };
  };
}

/** Grafana's settings (grafana.ini), as the Docker container sets them through GF_* variables. */
export interface GrafanaIni {
  readonly server: { readonly root_url: string };
  readonly users: { readonly allow_sign_up: false };
  readonly "auth.anonymous": { readonly enabled: false };
  readonly analytics: {
    readonly reporting_enabled: false;
    readonly check_for_updates: false;
    readonly check_for_plugin_updates: false;
  };
  readonly smtp?: {
    readonly enabled: true;
    readonly host: string;
    readonly from_address: string;
    readonly user?: string;
  };
}

/** The Grafana values this stack sets. */
export interface GrafanaValues {
  readonly testFramework: { readonly enabled: false };
  readonly admin: {
    readonly existingSecret: string;
    readonly userKey: string;
    readonly passwordKey: string;
  };
  readonly "grafana.ini": GrafanaIni;
  readonly envValueFrom?: {
    readonly GF_SMTP_PASSWORD: {
      readonly secretKeyRef: { readonly name: string; readonly key: string };
    };
  };
  readonly persistence: {
    readonly enabled: true;
    readonly type: "pvc";
    readonly size: string;
    readonly storageClassName?: string;
  };
  readonly deploymentStrategy: { readonly type: "Recreate" };
  readonly initChownData: { readonly enabled: false };
  readonly resources: Resources;
  readonly service: { readonly type: "ClusterIP"; readonly port: number };
  readonly ingress?: {
    readonly enabled: true;
    readonly ingressClassName?: string;
    readonly hosts: readonly [string];
    readonly path: "/";
    readonly pathType: "Prefix";
  };
  readonly sidecar: {
    readonly dashboards: { readonly enabled: false };
    readonly datasources: { readonly enabled: false };
  };
}

const GRAFANA_CPU = "50m";

function grafanaIni(opts: GrafanaOptions): GrafanaIni {
  const smtp = opts.smtp;
  return {
    server: { root_url: opts.rootUrl },
    users: { allow_sign_up: false },
    "auth.anonymous": { enabled: false },
    analytics: {
      reporting_enabled: false,
      check_for_updates: false,
      check_for_plugin_updates: false,
    },
    ...(smtp === undefined
      ? {}
      : {
          smtp: {
            enabled: true,
            host: smtp.host,
            from_address: smtp.fromAddress,
            ...(smtp.user === "" ? {} : { user: smtp.user }),
          },
        }),
  };
}

// Keys checked against grafana-community/helm-charts charts/grafana/values.yaml
// @ grafana-12.11.1. `persistence.storageClassName` and `ingress.ingressClassName` are documented
// there in comments and rendered as given (templates/pvc.yaml, templates/ingress.yaml);
// `grafana.ini` is Grafana's own configuration, written to grafana.ini as is.
/**
 * Grafana, with no provisioned datasources or dashboards (the program creates them through
 * Grafana's API) and the Docker container's settings.
 *
 * - The admin login comes from `adminSecret` (`admin.existingSecret`), so the chart neither
 *   creates nor looks up a Secret with a generated password.
 * - The SMTP password, when there is one, reaches Grafana as GF_SMTP_PASSWORD from its Secret
 *   (`envValueFrom`), never in grafana.ini, which the chart keeps in a ConfigMap.
 * - On its PVC with strategy Recreate: the ReadWriteOnce volume cannot attach to a second pod on
 *   another node during a rolling update.
 * - No chown init container: it runs as root, and the pod's fsGroup (472 by default) already
 *   gives Grafana its volume.
 * - The Helm test pods are hooks, which helm.v4.Chart never runs (`testFramework`).
 * - Service on Grafana's own port, so in-cluster URLs read :3000 like the Docker ones.
 */
export function grafanaValues(opts: GrafanaOptions): GrafanaValues {
  const password = opts.smtp?.passwordSecret;
  const storageClass = opts.storage.storageClass;
  const ingress = opts.ingress;
  return {
    testFramework: { enabled: false },
    admin: {
      existingSecret: opts.adminSecret,
      userKey: K8S_SECRET_KEYS.grafanaAdmin.user,
      passwordKey: K8S_SECRET_KEYS.grafanaAdmin.password,
    },
    "grafana.ini": grafanaIni(opts),
    ...(password === undefined
      ? {}
      : {
          envValueFrom: {
            GF_SMTP_PASSWORD: { secretKeyRef: { name: password.name, key: password.key } },
          },
        }),
    persistence: {
      enabled: true,
      type: "pvc",
      size: gibibytes(opts.storage.sizeGb),
      ...(storageClass === undefined ? {} : { storageClassName: storageClass }),
    },
    deploymentStrategy: { type: "Recreate" },
    initChownData: { enabled: false },
    resources: resources(opts.memoryMb, GRAFANA_CPU),
    service: { type: "ClusterIP", port: K8S_PORTS.grafana },
    ...(ingress === undefined
      ? {}
      : {
          ingress: {
            enabled: true,
            ...(ingress.className === undefined ? {} : { ingressClassName: ingress.className }),
            hosts: [ingress.host],
            path: "/",
            pathType: "Prefix",
          },
        }),
    sidecar: { dashboards: { enabled: false }, datasources: { enabled: false } },
  };
}
