/**
 * Class labels of classifiers: parsed from the common file formats, and fetched (downloaded once, checked, cached)
 * for zoo entries.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ModelError } from '../errors.js';
import { type DownloadProgress, downloadVerified, verifiedCopy } from './download.js';
import { deepframeHome, isOffline } from './home.js';
import { IMAGENET_LABELS, type LabelsFile, type LabelsSource } from './zoo.js';

/**
 * One class of a classifier's output: an identifier and a description. For ImageNet the identifier is the WordNet
 * id (`n01440764`) and the description its words (`tench, Tinca tinca`); for a list of plain labels both are the
 * label.
 */
export interface ClassLabel {
  readonly class: string;
  readonly description: string;
}

const WNID = /^(n\d{8})\s+(.*)$/;

/**
 * Parses a labels file: a JSON array of strings, a JSON object from index to label (`{"0": "tench", …}`), or one
 * label per line, where a line may start with a WordNet id (`n01440764 tench, Tinca tinca`, ImageNet's
 * `synset.txt`). Blank lines are skipped.
 *
 * @throws ModelError `INVALID_LABELS` when JSON holds something else.
 * @example
 * ```ts
 * parseLabels('n01440764 tench, Tinca tinca\nn01443537 goldfish, Carassius auratus\n');
 * // [{ class: 'n01440764', description: 'tench, Tinca tinca' }, { class: 'n01443537', description: 'goldfish, …' }]
 * ```
 */
export function parseLabels(text: string, where = 'labels'): ClassLabel[] {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (e) {
      throw invalid(where, `it starts like JSON but does not parse (${String(e)})`);
    }
    const values = Array.isArray(parsed)
      ? parsed
      : Object.entries(parsed as Record<string, unknown>)
          .sort(([a], [b]) => Number(a) - Number(b))
          .map(([, v]) => v);
    if (!values.every((v) => typeof v === 'string'))
      throw invalid(where, 'its JSON values are not all strings');
    return (values as string[]).map((v) => ({ class: v, description: v }));
  }
  return trimmed
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const m = WNID.exec(line);
      return m ? { class: m[1]!, description: m[2]! } : { class: line, description: line };
    });
}

function invalid(where: string, reason: string): ModelError {
  return new ModelError('INVALID_LABELS', `Cannot read the labels in ${where}: ${reason}.`, {
    where,
    reason,
  });
}

/**
 * Options of {@link resolveLabels}: as for `resolveModel`.
 */
export interface ResolveLabelsOptions {
  readonly home?: string;
  readonly offline?: boolean;
  readonly progress?: boolean;
  readonly onProgress?: (progress: DownloadProgress) => void;
}

/**
 * The labels of a zoo entry (or any labels source): given ones as they are, a file downloaded once into
 * `<home>/labels/` and checked against its SHA-256.
 *
 * @throws ModelError `LABELS_NOT_CACHED` when offline and the file is not cached; the download errors of
 *   `resolveModel` (`CHECKSUM_MISMATCH`, `DOWNLOAD_FAILED`).
 * @example
 * ```ts
 * const labels = await resolveLabels(getModelEntry('ResNet50').labels);
 * labels[1]; // { class: 'n01443537', description: 'goldfish, Carassius auratus' }
 * ```
 */
export async function resolveLabels(
  source: LabelsSource,
  options: ResolveLabelsOptions = {},
): Promise<ClassLabel[]> {
  if (Array.isArray(source)) return (source as readonly string[]).map((l) => ({ class: l, description: l }));
  const file: LabelsFile = source === 'imagenet' ? IMAGENET_LABELS : (source as LabelsFile);
  const name = basename(new URL(file.url).pathname) || 'labels.txt';
  const path = join(deepframeHome(options.home), 'labels', `${file.sha256.slice(0, 8)}-${name}`);
  if ((await verifiedCopy(path, file.sha256)) !== 'ok') {
    if (isOffline(options.offline)) {
      throw new ModelError(
        'LABELS_NOT_CACHED',
        `The labels file ${file.url} is not in the cache, and downloads are off (offline option or ` +
          `DEEPFRAME_OFFLINE=1). Download it (SHA-256 ${file.sha256}) and place it at '${path}', or give the labels ` +
          'as a list.',
        { url: file.url, path, sha256: file.sha256 },
      );
    }
    await downloadVerified(
      [file.url],
      path,
      { sha256: file.sha256, sizeBytes: file.sizeBytes },
      `labels ${name}`,
      options,
    );
  }
  return parseLabels(await readFile(path, 'utf8'), path);
}
