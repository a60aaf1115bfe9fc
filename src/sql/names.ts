import { ParamError } from '../errors.js';

/**
 * Checks the name of a temporary view or SQL function: letters, digits and underscores, not starting with a digit
 * (what both engines accept unquoted); a ParamError `errorClass` naming what it is for otherwise.
 *
 * @example
 * ```ts
 * checkSqlName('people', 'temporary view', 'INVALID_VIEW_NAME'); // 'people'
 * ```
 */
export function checkSqlName(name: string, what: string, errorClass: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new ParamError(
      errorClass,
      `A ${what} needs a name of letters, digits and underscores that does not start with a digit; got '${name}'.`,
      { name },
    );
  }
  return name;
}
