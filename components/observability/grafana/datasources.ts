import { DATASOURCE_UIDS, HOSTS, PORTS } from "../names";
import { SCRAPE_INTERVAL } from "../prometheus/config";

/**
 * The three datasources, wired together the way Grafana's LGTM setups do: exemplars and derived
 * fields lead to traces, traces lead to logs, metrics and the service map. Pure data: the
 * GrafanaContent component turns each into a `grafana.oss.DataSource`.
 */
export interface DatasourceSpec {
  readonly uid: string;
  readonly name: string;
  readonly type: "prometheus" | "loki" | "tempo";
  readonly url: string;
  readonly isDefault: boolean;
  readonly jsonData: Record<string, unknown>;
}

const url = (host: string, port: number) => `http://${host}:${String(port)}`;

/** Span attribute and Loki label that name the same service: OTEL_SERVICE_NAME is the container name. */
const SERVICE_TO_CONTAINER = [{ key: "service.name", value: "container_name" }];

export const PROMETHEUS_DATASOURCE: DatasourceSpec = {
  uid: DATASOURCE_UIDS.prometheus,
  name: "Prometheus",
  type: "prometheus",
  url: url(HOSTS.prometheus, PORTS.prometheus),
  isDefault: true,
  jsonData: {
    httpMethod: "POST",
    // Lets $__rate_interval cover at least four scrapes.
    timeInterval: SCRAPE_INTERVAL,
    prometheusType: "Prometheus",
    // Exemplars carry the trace id of a sampled request: link them to Tempo.
    exemplarTraceIdDestinations: [{ name: "trace_id", datasourceUid: DATASOURCE_UIDS.tempo }],
  },
};

export const LOKI_DATASOURCE: DatasourceSpec = {
  uid: DATASOURCE_UIDS.loki,
  name: "Loki",
  type: "loki",
  url: url(HOSTS.loki, PORTS.loki),
  isDefault: false,
  jsonData: {
    maxLines: 1000,
    // A trace id in a log line (trace_id=..., "traceId":"...") becomes a link to the trace.
    derivedFields: [
      {
        name: "TraceID",
        matcherRegex: "(?:trace_id|traceId|traceID)[\"']?[:=]\\s*[\"']?(\\w+)",
        url: "${__value.raw}",
        datasourceUid: DATASOURCE_UIDS.tempo,
        urlDisplayLabel: "View trace",
      },
    ],
  },
};

export const TEMPO_DATASOURCE: DatasourceSpec = {
  uid: DATASOURCE_UIDS.tempo,
  name: "Tempo",
  type: "tempo",
  url: url(HOSTS.tempo, PORTS.tempo),
  isDefault: false,
  jsonData: {
    tracesToLogsV2: {
      datasourceUid: DATASOURCE_UIDS.loki,
      spanStartTimeShift: "-5m",
      spanEndTimeShift: "5m",
      filterByTraceID: true,
      filterBySpanID: false,
      tags: SERVICE_TO_CONTAINER,
    },
    tracesToMetrics: {
      datasourceUid: DATASOURCE_UIDS.prometheus,
      spanStartTimeShift: "-5m",
      spanEndTimeShift: "5m",
      // Tempo's span metrics label the service `service`.
      tags: [{ key: "service.name", value: "service" }],
      queries: [
        {
          name: "Request rate",
          query: "sum by (span_name) (rate(traces_spanmetrics_calls_total{$__tags}[5m]))",
        },
        {
          name: "p99 latency",
          query:
            "histogram_quantile(0.99, sum by (le) (rate(traces_spanmetrics_latency_bucket{$__tags}[5m])))",
        },
      ],
    },
    serviceMap: { datasourceUid: DATASOURCE_UIDS.prometheus },
    nodeGraph: { enabled: true },
    lokiSearch: { datasourceUid: DATASOURCE_UIDS.loki },
    traceQuery: { timeShiftEnabled: true, spanStartTimeShift: "-1h", spanEndTimeShift: "1h" },
  },
};

export const DATASOURCES: readonly DatasourceSpec[] = [
  PROMETHEUS_DATASOURCE,
  LOKI_DATASOURCE,
  TEMPO_DATASOURCE,
];
