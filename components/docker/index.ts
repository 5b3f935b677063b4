import type { Settings } from "../../config";
import { HOSTS, LOG_SHIPPER, PORTS } from "../observability/names";
import type { PlatformStack } from "../platform";
import { Alloy } from "./alloy";
import { Cadvisor } from "./cadvisor";
import { type StackContext, hostUrl, internalUrl } from "./container";
import { GrafanaServer } from "./grafana";
import { Loki } from "./loki";
import { Networks } from "./networks";
import { Prometheus } from "./prometheus";
import { Promtail } from "./promtail";
import { Tempo } from "./tempo";

/**
 * The stack on one Docker host: networks, then Prometheus, Loki, the log shipper, Tempo,
 * cAdvisor and Grafana, each a component at the top of the stack (as they have always been, so
 * their URNs and so existing stacks are unchanged).
 */
export function deployDocker(settings: Settings): PlatformStack {
  // The stack's own network, and the app's (backend:8080, traefik:8082).
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
    slo: settings.slo,
  });
  const loki = new Loki("loki", {
    context,
    image: settings.images.loki,
    memoryMb: settings.memoryMb.loki,
    hostPort: settings.hostPorts.loki,
    retentionDays: settings.retention.lokiDays,
  });
  // Promtail as in the seed, or Alloy, its successor: same labels, same alias.
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

  return {
    datasourceUrls: {
      prometheus: internalUrl(HOSTS.prometheus, PORTS.prometheus),
      loki: internalUrl(HOSTS.loki, PORTS.loki),
      tempo: internalUrl(HOSTS.tempo, PORTS.tempo),
    },
    grafana,
    grafanaUrl: grafana.url,
    urls: {
      grafana: { host: grafana.url, internal: grafana.internalUrl },
      prometheus: { host: prometheus.hostUrl, internal: prometheus.internalUrl },
      loki: { host: loki.hostUrl, internal: loki.internalUrl },
      tempo: { host: tempo.hostUrl, internal: tempo.internalUrl },
      cadvisor: { internal: cadvisor.internalUrl },
    },
    otlp: {
      grpc: tempo.otlpGrpcEndpoint,
      http: tempo.otlpHttpEndpoint,
      hostGrpc: hostUrl(context, settings.hostPorts.tempoOtlpGrpc),
      hostHttp: hostUrl(context, settings.hostPorts.tempoOtlpHttp),
    },
    containerNames: {
      prometheus: prometheus.containerName,
      loki: loki.containerName,
      logShipper: logShipper.containerName,
      tempo: tempo.containerName,
      cadvisor: cadvisor.containerName,
      grafana: grafana.containerName,
    },
  };
}
