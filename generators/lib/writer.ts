/**
 * The no-clobber rule for generated files. A file the generator wrote before
 * and the user has not touched since (its hash matches the one saved in
 * .yo-rc.json) may be updated; a file the user changed, or one that was there
 * before the generator, is kept unless --force is given.
 */
import { createHash } from 'node:crypto';

export type WriteDecision =
  /** The file does not exist: write it. */
  | 'create'
  /** The file already has exactly the new content. */
  | 'identical'
  /** The file is as the generator last wrote it: replace it with the new content. */
  | 'update'
  /** The user changed the file (or it was not ours): --force replaces it. */
  | 'force'
  /** The user changed the file (or it was not ours): keep it. */
  | 'keep';

export function sha256(contents: string | Buffer): string {
  return createHash('sha256').update(contents).digest('hex');
}

export function decideWrite(
  onDisk: string | undefined,
  next: string,
  recordedHash: string | undefined,
  force: boolean,
): WriteDecision {
  if (onDisk === undefined) return 'create';
  if (onDisk === next) return 'identical';
  if (recordedHash !== undefined && sha256(onDisk) === recordedHash) return 'update';
  return force ? 'force' : 'keep';
}
