/**
 * `sentio queue results`: the stored result of every finished job, written as `sentio analyze`
 * writes them (one record per file; for jsonl the very line analyze writes), in the order the
 * files finished. A job the queue gave up on (see `JOB_OPTIONS`) is written as the file's
 * `{file, error}`, so that once the queue is drained every file added has exactly one record.
 */
import type { Job, Queue } from 'bullmq';
import type { AnalysisRecord, ResultWriter } from '../analyze/format.ts';
import { isFailure } from '../analyze/format.ts';
import type { JobData } from './jobs.ts';

export interface ResultsSummary {
  /** Records written now. */
  written: number;
  /** Of those, `{file, error}` records (broken files, and jobs that failed). */
  errors: number;
  /** Finished files skipped because the output already had them (`--resume`). */
  skipped: number;
}

/** Jobs read per round trip. */
const PAGE = 200;

/** The record a finished job stands for: its return value, or for a failed job the file's error. */
export function jobRecord(job: Job<JobData>, state: 'completed' | 'failed'): AnalysisRecord {
  if (state === 'completed') return job.returnvalue as AnalysisRecord;
  const tries = job.attemptsMade === 1 ? '1 attempt' : `${job.attemptsMade} attempts`;
  return { file: job.data.file, error: `${job.data.file}: not analysed, the queue gave up on it after ${tries}: ${job.failedReason}` };
}

/**
 * Writes the record of every completed job, then of every failed one, oldest first, skipping
 * files in `skip`. Pages through each set in ascending order, so jobs finishing meanwhile are
 * appended after the pages read (and written if reached); a job seen twice is written once.
 */
export async function writeResults(queue: Queue<JobData>, writer: ResultWriter, skip: ReadonlySet<string>, onRecord: (r: AnalysisRecord) => void = () => {}): Promise<ResultsSummary> {
  const summary: ResultsSummary = { written: 0, errors: 0, skipped: 0 };
  const seen = new Set<string>();
  for (const state of ['completed', 'failed'] as const) {
    for (let start = 0; ; start += PAGE) {
      const jobs = (await queue.getJobs([state], start, start + PAGE - 1, true)) as (Job<JobData> | undefined)[];
      for (const job of jobs) {
        // A job removed between reading the ids and the job (by another tool) comes back undefined.
        if (!job?.id || seen.has(job.id)) continue;
        seen.add(job.id);
        if (skip.has(job.data.file)) {
          summary.skipped++;
          continue;
        }
        const record = jobRecord(job, state);
        await writer.write(record);
        summary.written++;
        if (isFailure(record)) summary.errors++;
        onRecord(record);
      }
      if (jobs.length < PAGE) break;
    }
  }
  return summary;
}
