/**
 * The Time Manager observability stack, one Pulumi program per environment.
 *
 *   stack config -> settings -> networks -> Prometheus, Loki, Promtail or Alloy, Tempo, cAdvisor,
 *                Grafana
 *                -> Grafana content (datasources, dashboard, alerts) -> outputs
 */
import { Alloy } from "./components/docker/alloy";
import { Cadvisor } from "./components/docker/cadvisor";
import { GrafanaContent } from "./components/grafana/content";
import { renderDashboard } from "./components/observability/grafana/dashboard";
import { GrafanaServer } from "./components/docker/grafana";
import { Loki } from "./components/docker/loki";
import { APP_CONTAINERS, LOG_SHIPPER } from "./components/observability/names";
import { Networks } from "./components/docker/networks";
import { Prometheus } from "./components/docker/prometheus";
import { Promtail } from "./components/docker/promtail";
import { type StackContext, hostUrl } from "./components/docker/container";
import { Tempo } from "./components/docker/tempo";
import { loadSettings } from "./config";

// 1. Settings: every key validated before any resource is registered.
const settings = loadSettings();

// 2. Networks: the stack's own, and the app's (backend:8080, traefik:8082).
const networks = new Networks("networks", {
  monitoringNetworkName: `${settings.namePrefix}-monitoring`,
  appNetworkName: settings.appNetwork.name,
  createAppNetwork: settings.appNetwork.create,
  composeProject: settings.composeProject,
});
const context: StackContext = {
  namePrefix: settings.namePrefix,
  composeProject: settings.composeProject,
  bindAddress: settings.bindAddress,
  protectData: settings.protectData,
  monitoringNetwork: networks.monitoring,
  appNetwork: networks.app,
};

// 3. The services.
const prometheus = new Prometheus("prometheus", {
  context,
  image: settings.images.prometheus,
  memoryMb: settings.memoryMb.prometheus,
  hostPort: settings.hostPorts.prometheus,
  retentionDays: settings.retention.prometheusDays,
  retentionSize: settings.retention.prometheusSize,
  backendTarget: settings.scrapeTargets.backend,
  traefikTarget: settings.scrapeTargets.traefik,
  logShipperTarget: `${LOG_SHIPPER.alias}:${String(LOG_SHIPPER.port)}`,
});
const loki = new Loki("loki", {
  context,
  image: settings.images.loki,
  memoryMb: settings.memoryMb.loki,
  hostPort: settings.hostPorts.loki,
  retentionDays: settings.retention.lokiDays,
});
// The log shipper: Promtail as in the seed, or Alloy, its successor (same labels, same alias).
const logShipper =
  settings.logShipper === "alloy"
    ? new Alloy("alloy", {
        context,
        image: settings.images.alloy,
        memoryMb: settings.memoryMb.alloy,
        lokiPushUrl: loki.pushUrl,
      })
    : new Promtail("promtail", {
        context,
        image: settings.images.promtail,
        memoryMb: settings.memoryMb.promtail,
        lokiPushUrl: loki.pushUrl,
      });
const tempo = new Tempo("tempo", {
  context,
  image: settings.images.tempo,
  memoryMb: settings.memoryMb.tempo,
  hostPorts: {
    http: settings.hostPorts.tempo,
    otlpGrpc: settings.hostPorts.tempoOtlpGrpc,
    otlpHttp: settings.hostPorts.tempoOtlpHttp,
  },
  retentionDays: settings.retention.tempoDays,
  prometheusRemoteWriteUrl: prometheus.remoteWriteUrl,
});
const cadvisor = new Cadvisor("cadvisor", {
  context,
  image: settings.images.cadvisor,
  memoryMb: settings.memoryMb.cadvisor,
});
const grafana = new GrafanaServer("grafana", {
  context,
  image: settings.images.grafana,
  memoryMb: settings.memoryMb.grafana,
  hostPort: settings.hostPorts.grafana,
  adminUser: settings.grafana.adminUser,
  adminPassword: settings.grafana.adminPassword,
  rootUrl: settings.grafana.url,
  smtp: settings.grafana.smtp,
});

// 4. Grafana's content, once the Grafana container is healthy.
const content = new GrafanaContent(
  "grafana-content",
  {
    url: settings.grafana.url,
    adminUser: settings.grafana.adminUser,
    adminPassword: settings.grafana.adminPassword,
    dashboardJson: renderDashboard(),
    alerting: settings.alerting,
  },
  { dependsOn: [grafana] },
);

// 5. Outputs.
export const grafanaUrl = grafana.url;
export const dashboardUrl = content.dashboardUrl;
export const folderUid = content.folderUid;
export const datasourceUids = content.datasourceUids;
export const alertRuleUids = content.alertRuleUids;
export const urls = {
  grafana: { host: grafana.url, internal: grafana.internalUrl },
  prometheus: { host: prometheus.hostUrl, internal: prometheus.internalUrl },
  loki: { host: loki.hostUrl, internal: loki.internalUrl },
  tempo: { host: tempo.hostUrl, internal: tempo.internalUrl },
  cadvisor: { internal: cadvisor.internalUrl },
};
export const otlp = {
  grpc: tempo.otlpGrpcEndpoint,
  http: tempo.otlpHttpEndpoint,
  hostGrpc: hostUrl(context, settings.hostPorts.tempoOtlpGrpc),
  hostHttp: hostUrl(context, settings.hostPorts.tempoOtlpHttp),
};
/** What the backend's container needs to send its traces here (seed: Tempo section). */
export const backendOtelEnv = {
  OTEL_EXPORTER_OTLP_ENDPOINT: tempo.otlpGrpcEndpoint,
  OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
  // The app's container name, not this stack's prefix: Tempo's trace-to-logs link maps
  // service.name onto Loki's container_name.
  OTEL_SERVICE_NAME: APP_CONTAINERS.backend,
};
export const containerNames = {
  prometheus: prometheus.containerName,
  loki: loki.containerName,
  logShipper: logShipper.containerName,
  tempo: tempo.containerName,
  cadvisor: cadvisor.containerName,
  grafana: grafana.containerName,
};
