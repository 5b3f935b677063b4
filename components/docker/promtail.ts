import * as pulumi from "@pulumi/pulumi";
import { HOSTS, LOG_SHIPPER, PATHS, PORTS } from "../observability/names";
import { type StackContext, bashHttpCheck, dataVolume, serviceContainer } from "./container";
import { renderPromtailConfig } from "../observability/logs/promtail";

export interface PromtailArgs {
  readonly context: StackContext;
  /** Pinned image: grafana/promtail:3.6.11 is the last release. */
  readonly image: string;
  readonly memoryMb: number;
  /** Loki's push endpoint, e.g. http://loki:3100/loki/api/v1/push. */
  readonly lokiPushUrl: pulumi.Input<string>;
}

/**
 * Promtail, the seed's log shipper: discovers containers through the Docker socket (read-only)
 * and ships their logs to Loki with the compose labels.
 */
export class Promtail extends pulumi.ComponentResource {
  /** Where Prometheus scrapes its metrics, host:port. */
  public readonly metricsTarget: pulumi.Output<string>;
  public readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: PromtailArgs, opts?: pulumi.ComponentResourceOptions) {
    super("timemanager:monitoring:Promtail", name, {}, opts);

    // Positions survive restarts, so logs are neither shipped twice nor skipped.
    const data = dataVolume(`${name}-data`, args.context, "promtail", { parent: this }, "state");
    const config = pulumi
      .output(args.lokiPushUrl)
      .apply((url) => renderPromtailConfig({ lokiPushUrl: url }));
    const container = serviceContainer(
      `${name}-container`,
      {
        context: args.context,
        service: HOSTS.promtail,
        aliases: [LOG_SHIPPER.alias],
        image: args.image,
        memoryMb: args.memoryMb,
        files: [{ path: PATHS.promtailConfig, content: config }],
        volumes: [{ volume: data, path: PATHS.promtailData }],
        hostMounts: [{ hostPath: PATHS.dockerSocket, path: PATHS.dockerSocket }],
        command: [`-config.file=${PATHS.promtailConfig}`],
        // The image runs as root (no USER line), which reading the Docker socket needs.
        // Ubuntu base with bash but no curl or wget: bash's /dev/tcp asks /ready.
        healthcheck: { test: bashHttpCheck(PORTS.promtail, "/ready") },
      },
      { parent: this },
    );

    this.metricsTarget = pulumi.output(`${LOG_SHIPPER.alias}:${String(PORTS.promtail)}`);
    this.containerName = container.name;
    this.registerOutputs({ metricsTarget: this.metricsTarget, containerName: this.containerName });
  }
}
