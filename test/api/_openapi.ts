// openapi.yaml as the tests read it: its operations, its examples, and JSON Schema validators for
// the schemas it gives (OpenAPI 3.1 schemas are JSON Schema 2020-12, so ajv's 2020 dialect reads
// them as they are: `type: [number, "null"]` instead of 3.0's `nullable`).
import { fileURLToPath } from 'node:url';
import { parse } from '@readme/openapi-parser';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

export const SPEC_PATH = fileURLToPath(new URL('../../openapi.yaml', import.meta.url));

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

/** One operation of the document; `pointer` is its JSON pointer (`/paths/~1write/post`). */
export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly id: string;
  readonly pointer: string;
  readonly op: JsonObject;
}

/** An example of the document, with the JSON pointer of the schema it must satisfy. */
export interface Example {
  /** Where it is, for messages: `POST /write request text/plain twoPoints`. */
  readonly where: string;
  readonly value: Json;
  readonly schemaPointer: string;
}

/** openapi.yaml parsed, its `$ref`s left in place. */
export async function loadSpec(): Promise<JsonObject> {
  return (await parse(SPEC_PATH)) as unknown as JsonObject;
}

export function pointerOf(...tokens: string[]): string {
  return tokens.map((t) => '/' + t.replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

/** The value at a JSON pointer. */
export function at(doc: JsonObject, pointer: string): Json {
  let node: Json = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof node !== 'object' || node === null || !(token in node)) throw new Error(`no ${pointer} in openapi.yaml`);
    node = (node as Record<string, Json>)[token]!;
  }
  return node;
}

/** Follow `$ref`s (local ones only: the document is one file) to the object and its pointer. */
export function deref(doc: JsonObject, pointer: string): { node: JsonObject; pointer: string } {
  let node = at(doc, pointer);
  for (let hops = 0; isObject(node) && typeof node['$ref'] === 'string'; hops++) {
    const ref = node['$ref'];
    if (!ref.startsWith('#/') || hops > 10) throw new Error(`cannot follow $ref ${ref} at ${pointer}`);
    pointer = ref.slice(1);
    node = at(doc, pointer);
  }
  if (!isObject(node)) throw new Error(`${pointer} is not an object`);
  return { node, pointer };
}

export function operations(doc: JsonObject): Operation[] {
  const found: Operation[] = [];
  for (const [path, item] of Object.entries(objectAt(doc, '/paths'))) {
    for (const method of METHODS) {
      const op = isObject(item) ? item[method] : undefined;
      if (!isObject(op)) continue;
      found.push({ method: method.toUpperCase(), path, id: String(op['operationId']), pointer: pointerOf('paths', path, method), op });
    }
  }
  return found;
}

/** The parameters of an operation (its path item's and its own), each with its pointer. */
export function parametersOf(doc: JsonObject, operation: Operation): { node: JsonObject; pointer: string }[] {
  const lists = [pointerOf('paths', operation.path, 'parameters'), `${operation.pointer}/parameters`];
  return lists.flatMap((list) => {
    const params = tryAt(doc, list);
    return Array.isArray(params) ? params.map((_, i) => deref(doc, `${list}/${i}`)) : [];
  });
}

/** Every media type (of the request body and of each response) of an operation, with its pointer. */
export function mediaTypesOf(doc: JsonObject, operation: Operation): { where: string; status: string | null; mediaType: string; pointer: string }[] {
  const found: { where: string; status: string | null; mediaType: string; pointer: string }[] = [];
  const add = (where: string, status: string | null, bodyPointer: string) => {
    const body = deref(doc, bodyPointer);
    const content = body.node['content'];
    if (!isObject(content)) return;
    for (const mediaType of Object.keys(content)) {
      found.push({ where: `${where} ${mediaType}`, status, mediaType, pointer: `${body.pointer}${pointerOf('content', mediaType)}` });
    }
  };
  const name = `${operation.method} ${operation.path}`;
  if (operation.op['requestBody'] !== undefined) add(`${name} request`, null, `${operation.pointer}/requestBody`);
  for (const status of Object.keys(objectAt(doc, `${operation.pointer}/responses`))) {
    add(`${name} ${status}`, status, `${operation.pointer}${pointerOf('responses', status)}`);
  }
  return found;
}

/** Every example of an operation: of its parameters, its request body and its responses. */
export function examplesOf(doc: JsonObject, operation: Operation): Example[] {
  const found: Example[] = [];
  const name = `${operation.method} ${operation.path}`;
  for (const param of parametersOf(doc, operation)) {
    const where = `${name} parameter ${String(param.node['name'])}`;
    if ('example' in param.node) found.push({ where, value: param.node['example']!, schemaPointer: `${param.pointer}/schema` });
    found.push(...namedExamples(doc, where, `${param.pointer}/examples`, `${param.pointer}/schema`));
  }
  for (const media of mediaTypesOf(doc, operation)) {
    found.push(...namedExamples(doc, media.where, `${media.pointer}/examples`, `${media.pointer}/schema`));
  }
  return found;
}

function namedExamples(doc: JsonObject, where: string, examplesPointer: string, schemaPointer: string): Example[] {
  const examples = tryAt(doc, examplesPointer);
  if (!isObject(examples)) return [];
  return Object.keys(examples).map((name) => {
    const example = deref(doc, `${examplesPointer}${pointerOf(name)}`).node;
    if (!('value' in example)) throw new Error(`${where} example ${name} has no inline value`);
    return { where: `${where} example ${name}`, value: example['value']!, schemaPointer };
  });
}

/** The pointer of the schema of `status` (`"200"`) and `mediaType` of an operation; undefined when not documented. */
export function responseSchemaPointer(doc: JsonObject, operation: Operation, status: number, mediaType = 'application/json'): string | undefined {
  const media = mediaTypesOf(doc, operation).find((m) => m.status === String(status) && m.mediaType === mediaType);
  return media === undefined ? undefined : `${media.pointer}/schema`;
}

export function operation(doc: JsonObject, id: string): Operation {
  const op = operations(doc).find((o) => o.id === id);
  if (op === undefined) throw new Error(`openapi.yaml has no operation ${id}`);
  return op;
}

/** Validates JSON values against any schema of the document, named by its JSON pointer. */
export function schemaValidator(doc: JsonObject): (value: unknown, schemaPointer: string) => string | null {
  // strictRequired is off: `oneOf: [{required: [measurement]}, {required: [measurementRegex]}]`
  // names properties that the parent schema defines, which is how JSON Schema says "one of".
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
  formats.default(ajv);
  // Only `paths` and `components` hold schemas; as keywords of the wrapper they validate nothing,
  // and `#/components/...` references resolve inside it as they do in the document.
  ajv.addVocabulary(['paths', 'components']);
  ajv.addSchema({ $id: 'openapi.yaml', paths: doc['paths'], components: doc['components'] });
  const compiled = new Map<string, ValidateFunction>();
  return (value, schemaPointer) => {
    let validate = compiled.get(schemaPointer);
    if (validate === undefined) {
      validate = ajv.getSchema(`openapi.yaml#${encodeURI(schemaPointer)}`);
      if (validate === undefined) throw new Error(`no schema at ${schemaPointer}`);
      compiled.set(schemaPointer, validate);
    }
    return validate(value) ? null : describeErrors(validate.errors ?? []);
  };
}

function describeErrors(errors: readonly ErrorObject[]): string {
  return errors.map((e) => `${e.instancePath || '(root)'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`).join('; ');
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(doc: JsonObject, pointer: string): JsonObject {
  const node = at(doc, pointer);
  if (!isObject(node)) throw new Error(`${pointer} is not an object`);
  return node;
}

function tryAt(doc: JsonObject, pointer: string): Json | undefined {
  try {
    return at(doc, pointer);
  } catch {
    return undefined;
  }
}
