/** CPU of the processes under test and of the whole machine between two moments, and the noise it shows. */
import os from 'node:os';
import { cpuPressureSeconds, cpuSeconds, machineCpu, runQueueWaitSeconds, type CpuSnapshot } from '../lib/proc';
import { num } from '../lib/table';

/** CPU of a process and the whole machine between two moments. */
export class CpuMeter {
  private readonly pids: number[];
  private startAt = 0;
  private startCpu: (number | null)[] = [];
  private startMachine: CpuSnapshot | null = null;
  private startWait: (number | null)[] = [];
  private startPressure: number | null = null;

  constructor(pids: number[]) {
    this.pids = pids;
  }

  begin(): void {
    this.startAt = performance.now();
    this.startCpu = this.pids.map(cpuSeconds);
    this.startMachine = machineCpu();
    this.startWait = this.pids.map(runQueueWaitSeconds);
    this.startPressure = cpuPressureSeconds();
  }

  /** Per pid: CPU seconds used and percent of one core; the machine: percent busy of all cores. */
  end() {
    const seconds = (performance.now() - this.startAt) / 1000;
    const used = this.pids.map((pid, i) => {
      const now = cpuSeconds(pid);
      const before = this.startCpu[i];
      return now === null || before === null || before === undefined ? NaN : now - before;
    });
    const m = machineCpu();
    const machineBusy = m && this.startMachine ? m.busy - this.startMachine.busy : NaN;
    const waited = this.pids.map((pid, i) => {
      const now = runQueueWaitSeconds(pid);
      const before = this.startWait[i];
      return now === null || before === null || before === undefined ? NaN : now - before;
    });
    const pressure = cpuPressureSeconds();
    return {
      /** Per pid: ms per second its event-loop thread sat runnable without a CPU. */
      waitMsPerSecond: waited.map((w) => (w / seconds) * 1000),
      /** Share of the time some task on the machine waited for a CPU (PSI "some"), %. */
      pressurePercent:
        pressure === null || this.startPressure === null ? NaN : ((pressure - this.startPressure) / seconds) * 100,
      seconds,
      cpuSeconds: used,
      percentOfCore: used.map((u) => (u / seconds) * 100),
      /** Busy core-seconds of everything on the machine. */
      machineBusySeconds: machineBusy,
      cores: os.cpus().length,
    };
  }
}

/** Whatever else kept the machine busy (other builds, editors) while we measured, in % of all cores. */
export function othersPercent(machineBusySeconds: number, ours: readonly number[], seconds: number, cores: number) {
  const mine = ours.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  return Math.max(0, ((machineBusySeconds - mine) / (seconds * cores)) * 100);
}

/** How much the rest of the machine got in the way while we measured. */
export function describeNoise(cpu: ReturnType<CpuMeter['end']>, names: readonly string[], selfUsed = 0): string {
  const others = othersPercent(cpu.machineBusySeconds, [...cpu.cpuSeconds, selfUsed], cpu.seconds, cpu.cores);
  const waits = names.map((name, i) => `${name} ${num(cpu.waitMsPerSecond[i] ?? NaN)}`).join(', ');
  return (
    `other processes kept ${num(others)}% of the machine busy; CPU pressure (PSI some) ` +
    `${num(cpu.pressurePercent)}%; ms per second the event-loop thread sat runnable without a CPU: ${waits}`
  );
}
