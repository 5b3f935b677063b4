/**
 * A small typed model of Alloy configuration syntax (formerly River) and its serializer.
 * Alloy syntax is not YAML: a file is a list of blocks (`name "label" { ... }`), a block body
 * holds attributes (`name = value`) and nested blocks. Values here are the few kinds this stack
 * writes: strings, numbers, booleans, lists, references to other components' exports, standard
 * library calls (`sys.env("HOSTNAME")`) and string concatenation (`"a" + b`).
 *
 * The output follows `alloy fmt`: tab indentation, the `=` of consecutive attributes aligned, a
 * blank line between a run of attributes and a nested block, and between blocks.
 */

/** A reference to another component's export, e.g. `discovery.docker.containers.targets`. */
export interface AlloyReference {
  readonly kind: "reference";
  readonly path: string;
}

/** A call of a standard library function, e.g. `sys.env("HOSTNAME")`. */
export interface AlloyCall {
  readonly kind: "call";
  readonly fn: string;
  readonly args: readonly AlloyValue[];
}

/** Operands joined by `+`, e.g. `"spec.nodeName=" + sys.env("HOSTNAME")`. */
export interface AlloyConcat {
  readonly kind: "concat";
  readonly parts: readonly AlloyValue[];
}

export type AlloyValue =
  string | number | boolean | AlloyReference | AlloyCall | AlloyConcat | readonly AlloyValue[];

export interface AlloyAttribute {
  readonly kind: "attribute";
  readonly name: string;
  readonly value: AlloyValue;
}

export interface AlloyBlock {
  readonly kind: "block";
  /** Block name, dotted for components: `loki.source.docker`. */
  readonly name: string;
  /** Component label, the quoted string after the name; nested blocks have none. */
  readonly label?: string;
  readonly body: readonly AlloyNode[];
}

export type AlloyNode = AlloyAttribute | AlloyBlock;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new Error(`Alloy ${what} ${JSON.stringify(name)} is not an identifier`);
  }
  return name;
}

function checkDotted(path: string, what: string): string {
  path.split(".").forEach((part) => checkIdentifier(part, what));
  return path;
}

export function ref(path: string): AlloyReference {
  return { kind: "reference", path: checkDotted(path, "reference") };
}

export function call(fn: string, args: readonly AlloyValue[]): AlloyCall {
  return { kind: "call", fn: checkDotted(fn, "function"), args };
}

export function concat(...parts: AlloyValue[]): AlloyConcat {
  if (parts.length < 2) throw new Error("Alloy concatenation needs at least two operands");
  return { kind: "concat", parts };
}

export function attr(name: string, value: AlloyValue): AlloyAttribute {
  return { kind: "attribute", name: checkIdentifier(name, "attribute name"), value };
}

export function block(name: string, body: readonly AlloyNode[]): AlloyBlock;
export function block(name: string, label: string, body: readonly AlloyNode[]): AlloyBlock;
export function block(
  name: string,
  labelOrBody: string | readonly AlloyNode[],
  maybeBody?: readonly AlloyNode[],
): AlloyBlock {
  const label = typeof labelOrBody === "string" ? labelOrBody : undefined;
  const body = typeof labelOrBody === "string" ? (maybeBody ?? []) : labelOrBody;
  return {
    kind: "block",
    name: checkDotted(name, "block name"),
    ...(label === undefined ? {} : { label }),
    body,
  };
}

/**
 * An Alloy string literal. Alloy strings take Go's escapes; JSON.stringify emits a subset of them
 * (\" \\ \b \f \n \r \t \uXXXX), so its output is a valid Alloy literal with the same value.
 */
export function alloyString(value: string): string {
  return JSON.stringify(value);
}

function renderValue(value: AlloyValue): string {
  if (typeof value === "string") return alloyString(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`Alloy number ${String(value)} is not finite`);
    return String(value);
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  if (isList(value)) return `[${value.map(renderValue).join(", ")}]`;
  switch (value.kind) {
    case "reference":
      return value.path;
    case "call":
      return `${value.fn}(${value.args.map(renderValue).join(", ")})`;
    case "concat":
      return value.parts.map(renderValue).join(" + ");
  }
}

function isList(value: AlloyValue): value is readonly AlloyValue[] {
  return Array.isArray(value);
}

function renderBody(body: readonly AlloyNode[], depth: number): string[] {
  const indent = "\t".repeat(depth);
  const lines: string[] = [];
  let run: AlloyAttribute[] = [];
  const flushRun = () => {
    if (run.length === 0) return;
    const width = Math.max(...run.map((a) => a.name.length));
    if (lines.length > 0) lines.push("");
    run.forEach((a) => lines.push(`${indent}${a.name.padEnd(width)} = ${renderValue(a.value)}`));
    run = [];
  };
  for (const node of body) {
    if (node.kind === "attribute") {
      run.push(node);
      continue;
    }
    flushRun();
    if (lines.length > 0) lines.push("");
    lines.push(...renderBlock(node, depth));
  }
  flushRun();
  return lines;
}

function renderBlock(b: AlloyBlock, depth: number): string[] {
  const indent = "\t".repeat(depth);
  const head = b.label === undefined ? b.name : `${b.name} ${alloyString(b.label)}`;
  if (b.body.length === 0) return [`${indent}${head} { }`];
  return [`${indent}${head} {`, ...renderBody(b.body, depth + 1), `${indent}}`];
}

/** Renders a whole Alloy file: the top-level blocks, a blank line apart, newline-terminated. */
export function renderAlloy(blocks: readonly AlloyBlock[]): string {
  return `${blocks.map((b) => renderBlock(b, 0).join("\n")).join("\n\n")}\n`;
}
