import type * as pulumi from "@pulumi/pulumi";
import type { DatasourceUrls } from "./observability/grafana/datasources";

/** A service's addresses: from inside the platform, and from where Pulumi runs when published. */
export interface ServiceUrls {
  readonly internal: pulumi.Output<string>;
  readonly host?: pulumi.Output<string>;
}

/**
 * What a platform gives back once the services run, the same shape on Docker and Kubernetes,
 * so that nothing downstream (Grafana content, outputs) asks where they run.
 */
export interface PlatformStack {
  /** Where Grafana's datasources reach Prometheus, Loki and Tempo. */
  readonly datasourceUrls: DatasourceUrls;
  /** Grafana itself: the Grafana content is created once it answers. */
  readonly grafana: pulumi.Resource;
  /** Grafana's URL as a person opens it. */
  readonly grafanaUrl: pulumi.Output<string>;
  readonly urls: Readonly<Record<string, ServiceUrls>>;
  /** Where the app sends its traces: OTLP gRPC and HTTP, inside the platform and from the host. */
  readonly otlp: {
    readonly grpc: pulumi.Output<string>;
    readonly http: pulumi.Output<string>;
    readonly hostGrpc?: string;
    readonly hostHttp?: string;
  };
  /** Docker: the containers' names, by service. */
  readonly containerNames?: Readonly<Record<string, pulumi.Output<string>>>;
  /** Kubernetes: the Helm releases, by service, and the namespace they live in. */
  readonly releases?: Readonly<Record<string, pulumi.Output<string>>>;
  readonly namespace?: pulumi.Output<string>;
}
