import * as pulumi from "@pulumi/pulumi";
import { HOSTS, PATHS, PORTS } from "../observability/names";
import { type StackContext, dataVolume, hostUrl, internalUrl, serviceContainer } from "./container";
import { renderTempoConfig } from "../observability/tempo/config";

export interface TempoArgs {
  readonly context: StackContext;
  /** Pinned image, e.g. grafana/tempo:3.0.3. */
  readonly image: string;
  readonly memoryMb: number;
  readonly hostPorts: {
    readonly http: number;
    readonly otlpGrpc: number;
    readonly otlpHttp: number;
  };
  /** How long trace blocks are kept, in days. */
  readonly retentionDays: number;
  /** Where the metrics generator writes service-graph and span metrics. */
  readonly prometheusRemoteWriteUrl: pulumi.Input<string>;
}

/** Tempo: receives the backend's OTLP traces, stores them on tempo_data, derives metrics. */
export class Tempo extends pulumi.ComponentResource {
  /** URL other containers use for queries, e.g. http://tempo:3200. */
  public readonly internalUrl: pulumi.Output<string>;
  /** URL from the host. */
  public readonly hostUrl: pulumi.Output<string>;
  /** OTLP endpoints the app uses, on the app network. */
  public readonly otlpGrpcEndpoint: pulumi.Output<string>;
  public readonly otlpHttpEndpoint: pulumi.Output<string>;
  public readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: TempoArgs, opts?: pulumi.ComponentResourceOptions) {
    super("timemanager:monitoring:Tempo", name, {}, opts);

    const data = dataVolume(`${name}-data`, args.context, "tempo", { parent: this });
    const config = pulumi
      .output(args.prometheusRemoteWriteUrl)
      .apply((url) =>
        renderTempoConfig({ retentionDays: args.retentionDays, prometheusRemoteWriteUrl: url }),
      );
    const container = serviceContainer(
      `${name}-container`,
      {
        context: args.context,
        service: HOSTS.tempo,
        image: args.image,
        memoryMb: args.memoryMb,
        // The backend sends OTLP to tempo:4317 from the app network.
        joinAppNetwork: true,
        ports: [
          { internal: PORTS.tempo, external: args.hostPorts.http },
          { internal: PORTS.tempoOtlpGrpc, external: args.hostPorts.otlpGrpc },
          { internal: PORTS.tempoOtlpHttp, external: args.hostPorts.otlpHttp },
        ],
        files: [{ path: PATHS.tempoConfig, content: config }],
        // /var/tempo exists in the image owned by 10001 (mode 0700): Docker copies that
        // ownership into the empty volume on first mount (cmd/tempo/Dockerfile).
        volumes: [{ volume: data, path: PATHS.tempoData }],
        command: [`-config.file=${PATHS.tempoConfig}`],
        // Distroless image: `tempo -health` GETs /ready (Tempo 3.0+).
        healthcheck: { test: ["CMD", "/tempo", "-health"], startPeriod: "30s" },
      },
      { parent: this },
    );

    this.internalUrl = pulumi.output(internalUrl(HOSTS.tempo, PORTS.tempo));
    this.hostUrl = pulumi.output(hostUrl(args.context, args.hostPorts.http));
    this.otlpGrpcEndpoint = pulumi.output(internalUrl(HOSTS.tempo, PORTS.tempoOtlpGrpc));
    this.otlpHttpEndpoint = pulumi.output(internalUrl(HOSTS.tempo, PORTS.tempoOtlpHttp));
    this.containerName = container.name;
    this.registerOutputs({
      internalUrl: this.internalUrl,
      hostUrl: this.hostUrl,
      otlpGrpcEndpoint: this.otlpGrpcEndpoint,
      otlpHttpEndpoint: this.otlpHttpEndpoint,
      containerName: this.containerName,
    });
  }
}
