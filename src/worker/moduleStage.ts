/**
 * The `module` stage kind: a function exported by an ES module, named by path and export name.
 *
 * @module
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeCause, ExecutionError, ParamError } from '../errors.js';
import type { ModuleStageSpec, StageFunction } from './StageSpec.js';
import type { StageHandler } from './stages.js';

type ModuleNamespace = Readonly<Record<string, unknown>>;

/** Imported modules by resolved specifier: one import per worker (per thread or process). */
const modules = new Map<string, Promise<ModuleNamespace>>();

/**
 * What `import()` is given for a module path: URLs and bare specifiers as they are, absolute paths as `file:`
 * URLs, `./` and `../` paths resolved against the current directory first.
 */
export function moduleSpecifier(modulePath: string): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(modulePath)) return modulePath; // a URL (two letters or more: not C:\)
  if (isAbsolute(modulePath)) return pathToFileURL(modulePath).href;
  if (/^\.\.?[\\/]/.test(modulePath)) return pathToFileURL(resolve(modulePath)).href;
  return modulePath;
}

async function importModule(modulePath: string): Promise<ModuleNamespace> {
  const specifier = moduleSpecifier(modulePath);
  let loading = modules.get(specifier);
  if (loading === undefined) {
    loading = import(specifier) as Promise<ModuleNamespace>;
    modules.set(specifier, loading);
  }
  try {
    return await loading;
  } catch (cause) {
    modules.delete(specifier);
    throw new ExecutionError(
      'STAGE_MODULE_IMPORT_FAILED',
      `Could not import the stage module '${modulePath}' (as '${specifier}'): ${describeCause(cause)}. ` +
        'Check that the path exists on the worker, that it is compiled JavaScript, and that it imports cleanly.',
      { modulePath, specifier, reason: describeCause(cause) },
      { cause },
    );
  }
}

/** Imports (once per worker) and returns the function that a module stage names. */
export async function resolveStageFunction(spec: ModuleStageSpec): Promise<StageFunction> {
  const namespace = await importModule(spec.modulePath);
  const { modulePath, exportName } = spec;
  if (!Object.hasOwn(namespace, exportName)) {
    const available = Object.keys(namespace).sort();
    throw new ExecutionError(
      'STAGE_EXPORT_NOT_FOUND',
      `The stage module '${modulePath}' has no export '${exportName}'. ` +
        `Its exports: ${available.length === 0 ? '(none)' : available.map((n) => `'${n}'`).join(', ')}.`,
      { modulePath, exportName, availableExports: available.join(', ') },
    );
  }
  const fn = namespace[exportName];
  if (typeof fn !== 'function') {
    throw new ExecutionError(
      'STAGE_EXPORT_NOT_A_FUNCTION',
      `The export '${exportName}' of stage module '${modulePath}' is a ${typeof fn}; expected a function ` +
        '(batch, options, context) => RecordBatch | Promise<RecordBatch>.',
      { modulePath, exportName, actualType: typeof fn },
    );
  }
  return fn as StageFunction;
}

function requireString(spec: ModuleStageSpec, field: 'modulePath' | 'exportName'): void {
  const value: unknown = spec[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new ParamError(
      'INVALID_STAGE_SPEC',
      `A module stage spec needs '${field}' as a non-empty string; got ${JSON.stringify(value) ?? typeof value}.`,
      { kind: 'module', field, value: String(value) },
    );
  }
}

/** The handler of `module` stages. */
export const moduleStage: StageHandler<'module'> = {
  validate(spec) {
    requireString(spec, 'modulePath');
    requireString(spec, 'exportName');
    if (spec.options === undefined) {
      throw new ParamError(
        'INVALID_STAGE_SPEC',
        `The module stage '${spec.exportName}' from '${spec.modulePath}' has no 'options'; pass null for none.`,
        { kind: 'module', field: 'options' },
      );
    }
  },
  async run(spec, batch, context) {
    const fn = await resolveStageFunction(spec);
    return fn(batch, spec.options, context);
  },
};
