import type * as pulumi from "@pulumi/pulumi";
import type { StackContext } from "./container";

/**
 * What either log shipper takes: Promtail (the seed's) and Alloy (its successor) are
 * interchangeable, answer as log-shipper:9080 and give log lines the same labels
 * (observability/logs/labels), so a switch changes neither Prometheus nor the dashboards.
 */
export interface LogShipperArgs {
  readonly context: StackContext;
  /** Pinned image. */
  readonly image: string;
  readonly memoryMb: number;
  /** Loki's push endpoint, e.g. http://loki:3100/loki/api/v1/push. */
  readonly lokiPushUrl: pulumi.Input<string>;
}

/** What either log shipper gives back. */
export interface LogShipper {
  readonly containerName: pulumi.Output<string>;
}
