import { lstat, mkdir, readdir, realpath, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { PromptlyError } from '../../core/errors.js';
import type { JobResult } from '../job.js';

/** Job ids are made by the manager; this keeps any other string out of file paths. */
const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;

function refused(message: string): never {
  throw new PromptlyError('PROMPTLY_E_PATH_REFUSED', message);
}

/** Each job's directory `<root>/<jobId>/`: its cwd, `stdout.log`, `stderr.log`, `results/`. */
export class JobFiles {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  dirOf(jobId: string): string {
    if (!JOB_ID.test(jobId)) refused(`not a job id: ${JSON.stringify(jobId)}`);
    return path.join(this.root, jobId);
  }

  /** Creates the job's directory and its `results/`. */
  async create(jobId: string): Promise<string> {
    const dir = this.dirOf(jobId);
    await mkdir(path.join(dir, 'results'), { recursive: true });
    return dir;
  }

  /**
   * Removes the job's directory. A cancelled job's wrapper may still be writing how it ended
   * (SIGTERM returns before it exits), so a directory refilled during the removal is retried.
   */
  async remove(jobId: string): Promise<void> {
    await rm(this.dirOf(jobId), { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }

  /**
   * The real path of `relative` inside the job's directory, refused (PROMPTLY_E_PATH_REFUSED)
   * when it is absolute, has a `..` or empty segment, a backslash or a NUL, or when any part
   * of it is a symbolic link (so no link can lead out, wherever it points); undefined when it
   * does not exist.
   */
  async resolve(jobId: string, relative: string): Promise<string | undefined> {
    if (relative.length === 0 || relative.length > 1024) refused('empty or over-long path');
    if (relative.includes('\0') || relative.includes('\\')) refused('NUL or backslash in path');
    if (path.posix.isAbsolute(relative)) refused('absolute path');
    const parts = relative.split('/');
    if (parts.some((p) => p === '..' || p === '.' || p === '')) refused('.., . or empty segment');
    const dir = this.dirOf(jobId);
    let realDir: string;
    try {
      realDir = await realpath(dir);
    } catch {
      return undefined;
    }
    const wanted = path.join(realDir, ...parts);
    let real: string;
    try {
      real = await realpath(wanted);
    } catch {
      // a dangling link is a link all the same
      if ((await lstat(wanted).catch(() => undefined))?.isSymbolicLink()) refused('symbolic link');
      return undefined;
    }
    if (real !== wanted) refused('the path passes through a symbolic link');
    return real;
  }

  /** The files under `results/` (symbolic links are not results and are left out). */
  async results(jobId: string): Promise<JobResult[]> {
    const base = path.join(this.dirOf(jobId), 'results');
    const out: JobResult[] = [];
    const walk = async (dir: string, prefix: string, depth: number): Promise<void> => {
      if (depth > 16 || out.length >= 10_000) return;
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const rel = prefix ? `${prefix}/${e.name}` : e.name;
        if (e.isDirectory()) await walk(path.join(dir, e.name), rel, depth + 1);
        else if (e.isFile()) {
          const s = await stat(path.join(dir, e.name)).catch(() => undefined);
          if (s) out.push({ id: rel, sizeBytes: s.size });
        }
      }
    };
    await walk(base, '', 0);
    return out;
  }
}
