import { z } from "zod";

export interface OptionDoc {
  readonly name: string;
  /** A short type, e.g. `string | string[]`, `integer`, `"required" | "advisory"`. */
  readonly type: string;
  readonly required: boolean;
  readonly default?: unknown;
  readonly description?: string;
}

type JsonSchema = {
  type?: string | string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  description?: string;
};

/** A check's options as `phase-gate checks` lists them, read from its zod schema (never from code). */
export function describeOptions(schema: z.ZodType): OptionDoc[] {
  let json: JsonSchema;
  try {
    json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  } catch {
    return [];
  }
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, prop]) => ({
    name,
    type: typeName(prop),
    required: required.has(name),
    ...(prop.default !== undefined ? { default: prop.default } : {}),
    ...(prop.description ? { description: prop.description } : {}),
  }));
}

function typeName(s: JsonSchema): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return [...new Set(alternatives.map(typeName))].join(" | ");
  if (s.type === "array") return s.items ? `${wrap(typeName(s.items))}[]` : "array";
  if (Array.isArray(s.type)) return s.type.join(" | ");
  return s.type ?? "any";
}

function wrap(t: string): string {
  return t.includes(" | ") ? `(${t})` : t;
}
