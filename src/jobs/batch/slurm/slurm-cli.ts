import { execFile } from 'node:child_process';
import { PromptlyError } from '../../../core/errors.js';

/** The Slurm client tools the backend runs; each a path, or a name looked up on PATH. */
export interface SlurmCommands {
  readonly sbatch: string;
  readonly squeue: string;
  readonly scontrol: string;
  readonly scancel: string;
  readonly sacct: string;
}

/** The tools by name, found on PATH (Debian: package slurm-client, part of slurm-wlm). */
export const DEFAULT_SLURM_COMMANDS: SlurmCommands = {
  sbatch: 'sbatch',
  squeue: 'squeue',
  scontrol: 'scontrol',
  scancel: 'scancel',
  sacct: 'sacct',
};

/** What a Slurm tool printed and how it exited. */
export interface SlurmToolResult {
  readonly stdout: string;
  readonly stderr: string;
  /** 0 on success. */
  readonly exitCode: number;
}

/** stderr of a tool that could not reach slurmctld (or munged): nothing it said is about the job. */
const UNREACHABLE =
  /Unable to contact slurm controller|Socket timed out|Connection refused|Zero Bytes were transmitted|Communication connection failure|authentication|munge/i;

/** Most output a tool may print, bytes (a squeue of thousands of jobs fits easily). */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/**
 * Runs one Slurm tool without a shell and resolves with its output and exit code; a non-zero
 * exit is for the caller to judge. Throws PROMPTLY_E_BATCH_UNAVAILABLE when the tool is missing,
 * does not answer within `timeoutMs`, or reports that slurmctld cannot be reached, and
 * PROMPTLY_E_ABORTED when `signal` fires (the tool is killed).
 */
export function runSlurmTool(
  file: string,
  args: readonly string[],
  options: { readonly signal?: AbortSignal; readonly timeoutMs: number },
): Promise<SlurmToolResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        encoding: 'utf8',
        maxBuffer: MAX_OUTPUT_BYTES,
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ stdout, stderr, exitCode: 0 });
          return;
        }
        const err = error as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
        const what = `${file} ${args.join(' ')}`;
        if (err.name === 'AbortError' || options.signal?.aborted) {
          reject(new PromptlyError('PROMPTLY_E_ABORTED', `${what}: aborted`, { cause: error }));
        } else if (err.code === 'ENOENT' || err.code === 'EACCES') {
          reject(
            new PromptlyError(
              'PROMPTLY_E_BATCH_UNAVAILABLE',
              `${file} cannot be run (${String(err.code)}): install the Debian package slurm-client (or slurm-wlm)`,
              { cause: error },
            ),
          );
        } else if (typeof err.code !== 'number') {
          const why = err.killed ? `did not answer within ${options.timeoutMs} ms` : err.message;
          reject(
            new PromptlyError('PROMPTLY_E_BATCH_UNAVAILABLE', `${what}: ${why}`, { cause: error }),
          );
        } else if (UNREACHABLE.test(stderr)) {
          reject(
            new PromptlyError(
              'PROMPTLY_E_BATCH_UNAVAILABLE',
              `${what}: the Slurm controller cannot be reached: ${stderr.trim()}`,
              { cause: error },
            ),
          );
        } else {
          resolve({ stdout, stderr, exitCode: err.code });
        }
      },
    );
  });
}
