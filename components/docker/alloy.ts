import * as pulumi from "@pulumi/pulumi";
import { LOG_SHIPPER, PATHS } from "../observability/names";
import { type StackContext, bashHttpCheck, dataVolume, serviceContainer } from "./container";
import { renderAlloyConfig } from "../observability/logs/alloy";
import { ALLOY } from "../observability/logs/alloy-constants";

export interface AlloyArgs {
  readonly context: StackContext;
  /** Pinned image, e.g. grafana/alloy:v1.20.1. */
  readonly image: string;
  readonly memoryMb: number;
  /** Loki's push endpoint, e.g. http://loki:3100/loki/api/v1/push. */
  readonly lokiPushUrl: pulumi.Input<string>;
}

/**
 * Grafana Alloy, the log shipper that replaces Promtail (EOL since 2026-03-02): discovers
 * containers through the Docker socket (read-only) and ships their logs to Loki with the same
 * labels as Promtail.
 */
export class Alloy extends pulumi.ComponentResource {
  /** Where Prometheus scrapes its metrics, host:port. */
  public readonly metricsTarget: pulumi.Output<string>;
  public readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: AlloyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("timemanager:monitoring:Alloy", name, {}, opts);

    // The storage path holds loki.source.docker's positions: a restart neither re-sends nor skips.
    const data = dataVolume(`${name}-data`, args.context, ALLOY.host, { parent: this }, "state");
    const config = pulumi
      .output(args.lokiPushUrl)
      .apply((url) => renderAlloyConfig({ lokiPushUrl: url }));
    const port = String(ALLOY.port);
    const container = serviceContainer(
      `${name}-container`,
      {
        context: args.context,
        service: ALLOY.host,
        aliases: [LOG_SHIPPER.alias],
        image: args.image,
        memoryMb: args.memoryMb,
        files: [{ path: ALLOY.configPath, content: config }],
        volumes: [{ volume: data, path: ALLOY.dataPath }],
        hostMounts: [{ hostPath: PATHS.dockerSocket, path: PATHS.dockerSocket }],
        command: [
          "run",
          ALLOY.configPath,
          `--storage.path=${ALLOY.dataPath}`,
          // The default, 127.0.0.1:12345, is unreachable from Prometheus in another container.
          `--server.http.listen-addr=0.0.0.0:${port}`,
          // No usage reports from hosts that may have no internet access anyway.
          "--disable-reporting",
        ],
        // The image's default user is root (its alloy user, uid 473, is "experimental" upstream);
        // reading the Docker socket needs it, so no user override.
        // Ubuntu base with bash but no curl or wget: bash's /dev/tcp asks /-/ready.
        healthcheck: { test: bashHttpCheck(ALLOY.port, "/-/ready") },
      },
      { parent: this },
    );

    this.metricsTarget = pulumi.output(`${LOG_SHIPPER.alias}:${port}`);
    this.containerName = container.name;
    this.registerOutputs({ metricsTarget: this.metricsTarget, containerName: this.containerName });
  }
}
