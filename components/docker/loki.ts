import * as pulumi from "@pulumi/pulumi";
import { HOSTS, PATHS, PORTS } from "../observability/names";
import { type StackContext, dataVolume, hostUrl, internalUrl, serviceContainer } from "./container";
import { renderLokiConfig } from "../observability/loki/config";

export interface LokiArgs {
  readonly context: StackContext;
  /** Pinned image, e.g. grafana/loki:3.7.6. */
  readonly image: string;
  readonly memoryMb: number;
  /** Host port of the HTTP API. */
  readonly hostPort: number;
  /** How long logs are kept. */
  readonly retentionDays: number;
}

/** Loki: log storage on the loki_data volume, retention enforced by its compactor. */
export class Loki extends pulumi.ComponentResource {
  /** URL other containers use, e.g. http://loki:3100. */
  public readonly internalUrl: pulumi.Output<string>;
  /** Where log shippers push. */
  public readonly pushUrl: pulumi.Output<string>;
  /** URL from the host. */
  public readonly hostUrl: pulumi.Output<string>;
  public readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: LokiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("timemanager:monitoring:Loki", name, {}, opts);
    const data = dataVolume(`${name}-data`, args.context, "loki", { parent: this });
    const container = serviceContainer(
      `${name}-container`,
      {
        context: args.context,
        service: HOSTS.loki,
        image: args.image,
        memoryMb: args.memoryMb,
        ports: [{ internal: PORTS.loki, external: args.hostPort }],
        files: [
          {
            path: PATHS.lokiConfig,
            content: renderLokiConfig({ retentionDays: args.retentionDays }),
          },
        ],
        // /loki exists in the image owned by 10001, Loki's user: Docker copies that ownership
        // into the empty volume on first mount (cmd/loki/Dockerfile).
        volumes: [{ volume: data, path: PATHS.lokiData }],
        command: [`-config.file=${PATHS.lokiConfig}`],
        // Distroless image: no shell or wget. `loki -health` (cmd/loki/health.go, in the pinned
        // 3.7 line) GETs /ready, which answers 503 for min_ready_duration (15 s) after start.
        healthcheck: { test: ["CMD", "/usr/bin/loki", "-health"], startPeriod: "30s" },
      },
      { parent: this },
    );

    this.internalUrl = pulumi.output(internalUrl(HOSTS.loki, PORTS.loki));
    this.pushUrl = pulumi.output(internalUrl(HOSTS.loki, PORTS.loki, "/loki/api/v1/push"));
    this.hostUrl = pulumi.output(hostUrl(args.context, args.hostPort));
    this.containerName = container.name;
    this.registerOutputs({
      internalUrl: this.internalUrl,
      pushUrl: this.pushUrl,
      hostUrl: this.hostUrl,
      containerName: this.containerName,
    });
  }
}
