/**
 * The Time Manager observability stack, one Pulumi program per environment.
 *
 *   stack config -> settings -> the platform (Docker or Kubernetes): Prometheus, Loki, the log
 *                shipper, Tempo, Grafana
 *                -> Grafana content (datasources, dashboards, alerts), the same on both -> outputs
 */
import * as pulumi from "@pulumi/pulumi";
import { deployDocker } from "./components/docker";
import { GrafanaContent, grafanaProvider } from "./components/grafana/content";
import { deployKubernetes } from "./components/kubernetes";
import { ALERTS, sloAlerts } from "./components/observability/grafana/alerts";
import { renderDashboard } from "./components/observability/grafana/dashboard";
import { datasources } from "./components/observability/grafana/datasources";
import { renderSloDashboard } from "./components/observability/grafana/slo-dashboard";
import { APP_CONTAINERS, GRAFANA_UIDS } from "./components/observability/names";
import { loadSettings } from "./config";

// 1. Settings: every key validated before any resource is registered.
const settings = loadSettings();

// 2. The platform: where the services run and how they are reached.
const platform =
  settings.platform === "kubernetes" ? deployKubernetes(settings) : deployDocker(settings);

// 3. Grafana's content, once Grafana answers: written once, identical on both platforms.
const provider = grafanaProvider(
  "grafana-content-provider",
  {
    url: settings.grafana.url,
    adminUser: settings.grafana.adminUser,
    adminPassword: settings.grafana.adminPassword,
  },
  {
    dependsOn: [platform.grafana],
    // Created inside GrafanaContent before the platform split: the alias keeps its identity.
    aliases: [
      { parent: pulumi.createUrn("grafana-content", "timemanager:monitoring:GrafanaContent") },
    ],
  },
);
const content = new GrafanaContent(
  "grafana-content",
  {
    url: settings.grafana.url,
    datasources: datasources(platform.datasourceUrls),
    dashboards: [
      { resourceName: "dashboard", uid: GRAFANA_UIDS.dashboard, json: renderDashboard() },
      {
        resourceName: "slo-dashboard",
        uid: GRAFANA_UIDS.sloDashboard,
        json: renderSloDashboard(settings.slo),
      },
    ],
    alerts: [...ALERTS, ...sloAlerts(settings.slo)],
    alerting: settings.alerting,
  },
  { provider, dependsOn: [platform.grafana] },
);

// 4. Outputs.
export const grafanaUrl = platform.grafanaUrl;
export const dashboardUrl = content.dashboardUrls.apply((urls) => urls[GRAFANA_UIDS.dashboard]);
export const sloDashboardUrl = content.dashboardUrls.apply(
  (urls) => urls[GRAFANA_UIDS.sloDashboard],
);
export const folderUid = content.folderUid;
export const datasourceUids = content.datasourceUids;
export const alertRuleUids = content.alertRuleUids;
export const urls = platform.urls;
export const otlp = platform.otlp;
/** What the backend's container needs to send its traces here (seed: Tempo section). */
export const backendOtelEnv = {
  OTEL_EXPORTER_OTLP_ENDPOINT: platform.otlp.grpc,
  OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
  // The app's container name, not this stack's prefix: Tempo's trace-to-logs link maps
  // service.name onto Loki's container_name.
  OTEL_SERVICE_NAME: APP_CONTAINERS.backend,
};
export const containerNames = platform.containerNames;
export const releases = platform.releases;
export const namespace = platform.namespace;
