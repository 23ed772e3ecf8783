import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';

/** Whether `path` is a regular file (after symlinks) that we may execute. */
export async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
