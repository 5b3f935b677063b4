import { parser as logqlParser } from "@grafana/lezer-logql";
import { parser as traceqlParser } from "@grafana/lezer-traceql";
import { parser as promqlParser } from "@prometheus-io/lezer-promql";

/**
 * Syntax checks of PromQL, LogQL and TraceQL with the official Lezer grammars (the ones Grafana's
 * and Prometheus's query editors use), for dashboard panels and alert rules alike.
 *
 * Lezer never throws: it recovers from a syntax error by inserting an error node (⚠) into the
 * tree. A query is valid when its tree holds no error node.
 */

type Parser = Pick<typeof promqlParser, "parse">;

/**
 * Values Grafana's built-in variables take in the checks: any valid duration or number does, as
 * only the syntax is checked.
 */
export const GRAFANA_BUILTIN_VALUES: Readonly<Record<string, string>> = {
  __rate_interval: "1m",
  __interval: "1m",
  __interval_ms: "60000",
  __range: "6h",
  __range_s: "21600",
  __range_ms: "21600000",
  __auto: "1m",
};

/** `$name`, `${name}`, `${name:format}` and the deprecated `[[name]]`, `[[name:format]]`. */
const VARIABLE = /\$(\w+)|\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]/g;

/**
 * Replaces Grafana's variables with concrete values, as Grafana does before it sends a query, so
 * the result can be parsed. `values` gives the dashboard's own variables (e.g. `{ path: ".*" }`)
 * and may override the built-ins. A variable with no value is an error rather than left in place:
 * inside a string literal (`path=~"$pth"`) a misspelt name would otherwise still parse.
 * Capture-group references (`$1`, `${1}`, as in label_replace) are not variables and stay.
 */
export function substituteGrafanaVariables(
  expr: string,
  values: Readonly<Record<string, string>> = {},
): string {
  const known = new Map(Object.entries({ ...GRAFANA_BUILTIN_VALUES, ...values }));
  return expr.replace(
    VARIABLE,
    (match: string, plain?: string, braced?: string, bracketed?: string): string => {
      const name = plain ?? braced ?? bracketed ?? "";
      if (/^\d+$/.test(name)) {
        return match;
      }
      const value = known.get(name);
      if (value === undefined) {
        throw new Error(
          `unknown Grafana variable ${match} in ${expr}; known: ${[...known.keys()].join(", ")}`,
        );
      }
      return value;
    },
  );
}

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
