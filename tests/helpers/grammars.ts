import { parser as logqlParser } from "@grafana/lezer-logql";
import { parser as traceqlParser } from "@grafana/lezer-traceql";
import { parser as promqlParser } from "@prometheus-io/lezer-promql";
import { substituteGrafanaVariables } from "../../scripts/lib/grafana-variables";

/**
 * Syntax checks of PromQL, LogQL and TraceQL with the official Lezer grammars (the ones Grafana's
 * and Prometheus's query editors use), for dashboard panels and alert rules alike.
 *
 * Lezer never throws: it recovers from a syntax error by inserting an error node (⚠) into the
 * tree. A query is valid when its tree holds no error node.
 */

type Parser = Pick<typeof promqlParser, "parse">;

/** Where a query fails to parse: offsets into the parsed text. */
export interface QuerySyntaxError {
  readonly from: number;
  readonly to: number;
}

/** The error nodes of `source`'s parse tree; empty when the query is valid. */
export function syntaxErrors(parser: Parser, source: string): QuerySyntaxError[] {
  const errors: QuerySyntaxError[] = [];
  parser.parse(source).iterate({
    enter: (node) => {
      if (node.type.isError) {
        errors.push({ from: node.from, to: node.to });
      }
    },
  });
  return errors;
}

function expectValid(
  language: string,
  parser: Parser,
  expr: string,
  values: Readonly<Record<string, string>>,
): void {
  const source = substituteGrafanaVariables(expr, values);
  if (source.trim() === "") {
    throw new Error(`${language}: empty query`);
  }
  const errors = syntaxErrors(parser, source);
  if (errors.length > 0) {
    const at = errors.map((e) => String(e.from)).join(", ");
    const caret = `${" ".repeat(errors[0]?.from ?? 0)}^`;
    throw new Error(`${language} syntax error at offset ${at}:\n${source}\n${caret}`);
  }
}

/** Throws, showing where, unless `expr` is valid PromQL once Grafana's variables are replaced. */
export function expectPromQL(expr: string, values: Readonly<Record<string, string>> = {}): void {
  expectValid("PromQL", promqlParser, expr, values);
}

/** Throws, showing where, unless `expr` is valid LogQL once Grafana's variables are replaced. */
export function expectLogQL(expr: string, values: Readonly<Record<string, string>> = {}): void {
  expectValid("LogQL", logqlParser, expr, values);
}

/** Throws, showing where, unless `expr` is valid TraceQL once Grafana's variables are replaced. */
export function expectTraceQL(expr: string, values: Readonly<Record<string, string>> = {}): void {
  expectValid("TraceQL", traceqlParser, expr, values);
}

/**
 * Checks a Prometheus template-variable query: Grafana's `label_values(selector, label)` or
 * `label_values(label)`, whose selector must be valid PromQL, or `query_result(expr)`.
 */
export function expectPrometheusVariableQuery(
  query: string,
  values: Readonly<Record<string, string>> = {},
): void {
  const trimmed = query.trim();
  if (/^label_values\(\s*[A-Za-z_]\w*\s*\)$/.test(trimmed)) {
    return;
  }
  const labelValues = /^label_values\((.+),\s*[A-Za-z_]\w*\s*\)$/s.exec(trimmed);
  if (labelValues !== null) {
    expectPromQL(labelValues[1], values);
    return;
  }
  const queryResult = /^query_result\((.+)\)$/s.exec(trimmed);
  if (queryResult !== null) {
    expectPromQL(queryResult[1], values);
    return;
  }
  throw new Error(`not a label_values() or query_result() variable query: ${query}`);
}

export {
  GRAFANA_BUILTIN_VALUES,
  substituteGrafanaVariables,
} from "../../scripts/lib/grafana-variables";
