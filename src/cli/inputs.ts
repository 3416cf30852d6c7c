/** Turning command-line arguments (files, folders) into a list of audio files. */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export const AUDIO_EXTENSIONS = new Set(['.wav', '.wave', '.mp3', '.flac', '.ogg', '.oga', '.opus', '.m4a', '.aiff', '.aif']);

export interface InputFile {
  /** Path as given or found. */
  path: string;
  /** Path relative to the folder it was found in (its own basename for direct files). */
  relative: string;
}

async function walk(dir: string, root: string, out: InputFile[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await walk(p, root, out);
    else if (e.isFile() && AUDIO_EXTENSIONS.has(path.extname(e.name).toLowerCase())) out.push({ path: p, relative: path.relative(root, p) });
  }
}

/**
 * Expands folders recursively (audio extensions only, sorted). Plain paths are kept as
 * given — whatever they are — so that a missing or broken file is reported, not skipped.
 * So is a folder named like an audio file (`x.mp3/`) that holds no audio: it was meant as a
 * file, and the loader then says it is a directory instead of the search finding nothing.
 */
export async function expandInputs(args: readonly string[]): Promise<{ files: InputFile[]; fromFolder: boolean }> {
  const files: InputFile[] = [];
  let fromFolder = false;
  for (const a of args) {
    let isDir = false;
    try {
      isDir = (await stat(a)).isDirectory();
    } catch {
      isDir = false;
    }
    const asGiven = { path: a, relative: path.basename(a) };
    if (!isDir) {
      files.push(asGiven);
      continue;
    }
    const before = files.length;
    await walk(a, a, files);
    if (files.length === before && AUDIO_EXTENSIONS.has(path.extname(a).toLowerCase())) files.push(asGiven);
    else fromFolder = true;
  }
  return { files, fromFolder };
}
