import { readFileSync } from 'node:fs';

/** Resident set size of a process in MiB (Linux /proc), or NaN where that is not available. */
export function rssMiB(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** CPU time (user + system, all threads) the process has used, in ms; Linux `/proc` (clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces) start at `state`: utime and stime are 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}
