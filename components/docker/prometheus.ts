import * as pulumi from "@pulumi/pulumi";
import { HOSTS, PATHS, PORTS } from "../observability/names";
import { type StackContext, dataVolume, hostUrl, internalUrl, serviceContainer } from "./container";
import { prometheusFlags, renderPrometheusConfig } from "../observability/prometheus/config";
import { renderRules } from "../observability/prometheus/rules";
import type { SloSpec } from "../observability/slo";

export interface PrometheusArgs {
  readonly context: StackContext;
  /** Pinned image, e.g. prom/prometheus:v3.13.3. */
  readonly image: string;
  readonly memoryMb: number;
  /** Host port of the UI and API. */
  readonly hostPort: number;
  /** How long samples are kept. */
  readonly retentionDays: number;
  /** Most disk the TSDB may use, e.g. "10GB". */
  readonly retentionSize: string;
  /** host:port of the backend's /metrics. */
  readonly backendTarget: string;
  /** host:port of Traefik's metrics. */
  readonly traefikTarget: string;
  /** host:port of the log shipper's metrics. */
  readonly logShipperTarget: string;
  /** The objectives the SLO recording rules compute error budgets for. */
  readonly slo: SloSpec;
}

/** Prometheus: scrapes the app and the stack, evaluates the rules, receives Tempo's metrics. */
export class Prometheus extends pulumi.ComponentResource {
  /** URL other containers use, e.g. http://prometheus:9090. */
  public readonly internalUrl: pulumi.Output<string>;
  /** URL from the host. */
  public readonly hostUrl: pulumi.Output<string>;
  /** Where Tempo's metrics generator remote-writes. */
  public readonly remoteWriteUrl: pulumi.Output<string>;
  public readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    super("timemanager:monitoring:Prometheus", name, {}, opts);

    const data = dataVolume(`${name}-data`, args.context, "prometheus", { parent: this });
    const container = serviceContainer(
      `${name}-container`,
      {
        context: args.context,
        service: HOSTS.prometheus,
        image: args.image,
        memoryMb: args.memoryMb,
        // Scrapes backend:8080 and traefik:8082, which only the app network resolves.
        joinAppNetwork: true,
        ports: [{ internal: PORTS.prometheus, external: args.hostPort }],
        files: [
          { path: PATHS.prometheusConfig, content: renderPrometheusConfig(args) },
          { path: PATHS.prometheusRules, content: renderRules({ slo: args.slo }) },
        ],
        volumes: [{ volume: data, path: PATHS.prometheusData }],
        command: prometheusFlags(args),
        // promtool ships in the image whatever its base (busybox or distroless); it GETs /-/ready.
        healthcheck: { test: ["CMD", "/bin/promtool", "check", "ready"] },
      },
      { parent: this },
    );

    this.internalUrl = pulumi.output(internalUrl(HOSTS.prometheus, PORTS.prometheus));
    this.hostUrl = pulumi.output(hostUrl(args.context, args.hostPort));
    this.remoteWriteUrl = pulumi.output(
      internalUrl(HOSTS.prometheus, PORTS.prometheus, "/api/v1/write"),
    );
    this.containerName = container.name;
    this.registerOutputs({
      internalUrl: this.internalUrl,
      hostUrl: this.hostUrl,
      remoteWriteUrl: this.remoteWriteUrl,
      containerName: this.containerName,
    });
  }
}
