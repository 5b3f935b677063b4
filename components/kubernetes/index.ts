import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ChartRef, KubernetesSettings, ObjectStorage, Settings } from "../../config";
import { JOBS, PORTS } from "../observability/names";
import { SCRAPE_INTERVAL } from "../observability/prometheus/config";
import type { PlatformStack } from "../platform";
import { CADVISOR_METRIC_RELABELINGS } from "./adapters";
import { K8S_RELEASES, K8S_SECRETS, K8S_SERVICES, clusterUrl } from "./names";
import { podMonitor, prometheusRule } from "./operator";
import { alloyValues } from "./values/alloy";
import type { Persistence } from "./values/common";
import { grafanaValues } from "./values/grafana";
import { kubePrometheusStackValues } from "./values/kube-prometheus-stack";
import { lokiValues } from "./values/loki";
import { tempoValues } from "./values/tempo";

/**
 * The stack on a Kubernetes cluster, from the upstream Helm charts and the Prometheus Operator:
 * kube-prometheus-stack (Operator, Prometheus, node-exporter, kube-state-metrics, kubelet and
 * cAdvisor scraping), Loki, Tempo, Alloy as a DaemonSet and Grafana, all in one namespace, on
 * the cluster of the stack's Kubernetes provider configuration (kubernetes:kubeconfig,
 * kubernetes:context, or the ambient kubeconfig).
 */
export class KubernetesPlatform extends pulumi.ComponentResource {
  /** What index.ts needs, the same shape as the Docker platform's. */
  public readonly stack: PlatformStack;

  constructor(name: string, settings: Settings, opts?: pulumi.ComponentResourceOptions) {
    super("timemanager:monitoring:KubernetesPlatform", name, {}, opts);
    const k = kubernetesOf(settings);
    const ns = k.namespace;
    // prod: keep what holds data when the stack or a chart goes away. Deleting the namespace
    // deletes every PVC in it, so it is protected and retained like the Docker volumes.
    const keep = settings.protectData ? { protect: true, retainOnDelete: true } : {};

    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: ns, labels: { "app.kubernetes.io/part-of": settings.project } } },
      { parent: this, ...keep },
    );
    const inNamespace = { parent: this, dependsOn: [namespace] };

    // Secrets from Pulumi secrets: the charts reference them by name, never by value.
    const adminSecret = new k8s.core.v1.Secret(
      `${name}-grafana-admin`,
      {
        metadata: { name: K8S_SECRETS.grafanaAdmin, namespace: ns },
        stringData: {
          "admin-user": settings.grafana.adminUser,
          "admin-password": settings.grafana.adminPassword,
        },
      },
      inNamespace,
    );
    const storage = k.objectStorage;
    const storageSecret =
      storage === undefined
        ? undefined
        : new k8s.core.v1.Secret(
            `${name}-object-storage`,
            {
              metadata: { name: K8S_SECRETS.objectStorage, namespace: ns },
              stringData: {
                AWS_ACCESS_KEY_ID: storage.accessKeyId,
                AWS_SECRET_ACCESS_KEY: storage.secretAccessKey,
              },
            },
            inNamespace,
          );
    const smtp = settings.grafana.smtp;
    const smtpSecret =
      smtp?.password === undefined
        ? undefined
        : new k8s.core.v1.Secret(
            `${name}-grafana-smtp`,
            {
              metadata: { name: K8S_SECRETS.grafanaSmtp, namespace: ns },
              stringData: { user: smtp.user, password: smtp.password },
            },
            inNamespace,
          );

    const persistence = (sizeGb: number): Persistence => ({
      sizeGb,
      ...(k.storageClass === undefined ? {} : { storageClass: k.storageClass }),
    });
    // Where Loki and Tempo find their buckets: the same store, credentials from the Secret.
    const bucketsIn = (s: ObjectStorage) => ({
      endpoint: s.endpoint,
      region: s.region,
      insecure: s.insecure,
      forcePathStyle: s.forcePathStyle,
      credentialsSecret: K8S_SECRETS.objectStorage,
    });
    const prometheusUrl = clusterUrl(K8S_SERVICES.prometheus, ns, PORTS.prometheus);
    const lokiQueryHost = storage === undefined ? K8S_SERVICES.loki : K8S_SERVICES.lokiRead;
    const lokiPushHost = storage === undefined ? K8S_SERVICES.loki : K8S_SERVICES.lokiWrite;

    // Chart children the provider registers (PVCs among them) get the same keep in prod.
    const chartOpts = (dependsOn: pulumi.Resource[]): pulumi.ComponentResourceOptions => ({
      parent: this,
      dependsOn: [namespace, ...dependsOn],
      ...(settings.protectData ? { transforms: [retainVolumeClaims] } : {}),
    });
    const chart = (
      service: keyof typeof K8S_RELEASES,
      ref: ChartRef,
      values: pulumi.Input<Record<string, unknown>>,
      dependsOn: pulumi.Resource[] = [],
    ): k8s.helm.v4.Chart =>
      new k8s.helm.v4.Chart(
        `${name}-${service}`,
        {
          name: K8S_RELEASES[service],
          namespace: ns,
          chart: ref.chart,
          version: ref.version,
          repositoryOpts: { repo: ref.repo },
          values,
        },
        chartOpts(dependsOn),
      );

    const prometheus = chart(
      "prometheus",
      k.charts.kubePrometheusStack,
      toValues(
        kubePrometheusStackValues({
          retentionDays: settings.retention.prometheusDays,
          retentionSize: settings.retention.prometheusSize,
          replicas: k.replicas.prometheus,
          memoryMb: settings.memoryMb.prometheus,
          storage: persistence(k.volumeGb.prometheus),
          alertmanager: k.alertmanager,
          scrapeInterval: SCRAPE_INTERVAL,
          cadvisorMetricRelabelings: CADVISOR_METRIC_RELABELINGS,
        }),
      ),
    );
    chart(
      "loki",
      k.charts.loki,
      toValues(
        lokiValues({
          retentionDays: settings.retention.lokiDays,
          memoryMb: settings.memoryMb.loki,
          storage: persistence(k.volumeGb.loki),
          ...(storage === undefined
            ? {}
            : {
                objectStorage: {
                  ...bucketsIn(storage),
                  buckets: { chunks: storage.buckets.lokiChunks, ruler: storage.buckets.lokiRuler },
                },
              }),
          replicas: k.replicas.loki,
          retainVolumes: settings.protectData,
        }),
      ),
      storageSecret === undefined ? [] : [storageSecret],
    );
    chart(
      "tempo",
      k.charts.tempo,
      toValues(
        tempoValues({
          retentionDays: settings.retention.tempoDays,
          memoryMb: settings.memoryMb.tempo,
          storage: persistence(k.volumeGb.tempo),
          ...(storage === undefined
            ? {}
            : { objectStorage: { ...bucketsIn(storage), bucket: storage.buckets.tempo } }),
          prometheusRemoteWriteUrl: `${prometheusUrl}/api/v1/write`,
          retainVolumes: settings.protectData,
        }),
      ),
      storageSecret === undefined ? [] : [storageSecret],
    );
    chart(
      "alloy",
      k.charts.alloy,
      toValues(
        alloyValues({
          memoryMb: settings.memoryMb.alloy,
          lokiPushUrl: clusterUrl(lokiPushHost, ns, PORTS.loki, "/loki/api/v1/push"),
        }),
      ),
    );
    const grafana = chart(
      "grafana",
      k.charts.grafana,
      toValues(
        grafanaValues({
          memoryMb: settings.memoryMb.grafana,
          storage: persistence(k.volumeGb.grafana),
          adminSecret: K8S_SECRETS.grafanaAdmin,
          rootUrl: settings.grafana.url,
          ...(k.grafanaIngress === undefined ? {} : { ingress: k.grafanaIngress }),
          ...(smtp === undefined
            ? {}
            : {
                smtp: {
                  host: smtp.host,
                  user: smtp.user,
                  fromAddress: smtp.fromAddress,
                  ...(smtpSecret === undefined
                    ? {}
                    : { passwordSecret: { name: K8S_SECRETS.grafanaSmtp, key: "password" } }),
                },
              }),
        }),
      ),
      [adminSecret, ...(smtpSecret === undefined ? [] : [smtpSecret])],
    );

    // The app's targets and the rules, as Operator objects: their CRDs come with the chart.
    const operatorObject = (resourceName: string, manifest: { apiVersion: string; kind: string }) =>
      new k8s.apiextensions.CustomResource(resourceName, manifest, {
        parent: this,
        dependsOn: [prometheus],
      });
    for (const [target, job] of [
      ["backend", JOBS.backend],
      ["traefik", JOBS.traefik],
    ] as const) {
      operatorObject(
        `${name}-${target}-monitor`,
        podMonitor({
          name: `timemanager-${target}`,
          namespace: ns,
          job,
          target: k.targets[target],
          interval: SCRAPE_INTERVAL,
        }),
      );
    }
    operatorObject(
      `${name}-rules`,
      prometheusRule({ name: "timemanager", namespace: ns, slo: settings.slo }),
    );

    const tempoUrl = (port: number) => pulumi.output(clusterUrl(K8S_SERVICES.tempo, ns, port));
    this.stack = {
      datasourceUrls: {
        prometheus: prometheusUrl,
        loki: clusterUrl(lokiQueryHost, ns, PORTS.loki),
        tempo: clusterUrl(K8S_SERVICES.tempo, ns, PORTS.tempo),
      },
      grafana,
      grafanaUrl: pulumi.output(settings.grafana.url),
      urls: {
        grafana: {
          host: pulumi.output(settings.grafana.url),
          internal: pulumi.output(clusterUrl(K8S_SERVICES.grafana, ns, PORTS.grafana)),
        },
        prometheus: { internal: pulumi.output(prometheusUrl) },
        loki: { internal: pulumi.output(clusterUrl(lokiQueryHost, ns, PORTS.loki)) },
        tempo: { internal: tempoUrl(PORTS.tempo) },
      },
      otlp: { grpc: tempoUrl(PORTS.tempoOtlpGrpc), http: tempoUrl(PORTS.tempoOtlpHttp) },
      releases: Object.fromEntries(
        Object.entries(K8S_RELEASES).map(([service, release]) => [service, pulumi.output(release)]),
      ),
      namespace: namespace.metadata.name,
    };
    this.registerOutputs({ namespace: this.stack.namespace });
  }
}

/** The Kubernetes part of the settings, which config/ fills exactly for platform kubernetes. */
function kubernetesOf(settings: Settings): KubernetesSettings {
  if (settings.kubernetes === undefined) {
    throw new Error("platform kubernetes without Kubernetes settings: config/ fills them");
  }
  return settings.kubernetes;
}

/** A chart's values as the Chart resource takes them: the typed renderers' output, as data. */
function toValues(values: object): Record<string, unknown> {
  return values as Record<string, unknown>;
}

/**
 * Protects every PersistentVolumeClaim a chart renders and keeps it on delete: `pulumi destroy`
 * stops on it, as on the Docker data volumes in prod, and a chart change leaves the claim, and so
 * the data, in the cluster.
 */
export function retainVolumeClaims(
  args: pulumi.ResourceTransformArgs,
): pulumi.ResourceTransformResult | undefined {
  if (args.type !== "kubernetes:core/v1:PersistentVolumeClaim") return undefined;
  return {
    props: args.props,
    opts: pulumi.mergeOptions(args.opts, { protect: true, retainOnDelete: true }),
  };
}

/** The stack on Kubernetes; see {@link KubernetesPlatform}. */
export function deployKubernetes(settings: Settings): PlatformStack {
  return new KubernetesPlatform("kubernetes", settings).stack;
}
