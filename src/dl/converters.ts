import { invalidValue, type TypeConverter } from '../ml/Param.js';

/** A `{name: name}` map of strings, such as `inputMapping` (column → model input). */
export const toStringMap: TypeConverter<Readonly<Record<string, string>>> = (value: unknown) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidValue(value, 'an object mapping names to names');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0 || entries.some(([, v]) => typeof v !== 'string' || v === '')) {
    throw invalidValue(value, 'a non-empty object whose values are non-empty strings');
  }
  return Object.freeze(Object.fromEntries(entries)) as Readonly<Record<string, string>>;
};

/** A non-empty string (a path, a model name, a column). */
export const toNonEmptyString: TypeConverter<string> = (value: unknown) => {
  if (typeof value !== 'string' || value === '') throw invalidValue(value, 'a non-empty string');
  return value;
};
