import { DATASOURCE_UIDS } from "../names";
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

/** Where Grafana reaches each backend: the only part of the datasources a platform decides. */
export interface DatasourceUrls {
  readonly prometheus: string;
  readonly loki: string;
  readonly tempo: string;
}

/** Span attribute and Loki label that name the same service: OTEL_SERVICE_NAME is the container name. */
const SERVICE_TO_CONTAINER = [{ key: "service.name", value: "container_name" }];

const prometheusDatasource = (url: string): DatasourceSpec => ({
  uid: DATASOURCE_UIDS.prometheus,
  name: "Prometheus",
  type: "prometheus",
  url,
  isDefault: true,
  jsonData: {
    httpMethod: "POST",
    // Lets $__rate_interval cover at least four scrapes.
    timeInterval: SCRAPE_INTERVAL,
    prometheusType: "Prometheus",
    // Exemplars carry the trace id of a sampled request: link them to Tempo.
    exemplarTraceIdDestinations: [{ name: "trace_id", datasourceUid: DATASOURCE_UIDS.tempo }],
  },
});

const lokiDatasource = (url: string): DatasourceSpec => ({
  uid: DATASOURCE_UIDS.loki,
  name: "Loki",
  type: "loki",
  url,
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
});

const tempoDatasource = (url: string): DatasourceSpec => ({
  uid: DATASOURCE_UIDS.tempo,
  name: "Tempo",
  type: "tempo",
  url,
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
});

/** The three datasources, identical on every platform but for the URLs. */
export function datasources(urls: DatasourceUrls): readonly DatasourceSpec[] {
  return [
    prometheusDatasource(urls.prometheus),
    lokiDatasource(urls.loki),
    tempoDatasource(urls.tempo),
  ];
}
