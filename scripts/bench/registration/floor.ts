// The floor: the same mocks and the same SDK modules the program imports, and no program.
import { report } from "./mocks";
import "@pulumi/docker";
import "@pulumiverse/grafana";
import "@grafana/grafana-foundation-sdk/cog";
import "@grafana/grafana-foundation-sdk/common";
import "@grafana/grafana-foundation-sdk/dashboard";
import "@grafana/grafana-foundation-sdk/logs";
import "@grafana/grafana-foundation-sdk/loki";
import "@grafana/grafana-foundation-sdk/prometheus";
import "@grafana/grafana-foundation-sdk/stat";
import "@grafana/grafana-foundation-sdk/timeseries";

void report();
