/**
 * Schedules on a running agent: the Scheduler fires backups through the engine, NEWDAY does the
 * day's housekeeping (pre-flight check, log compression, the previous day's summary through
 * sm_notify), and the calendar answers past, planned and missed runs with overlaps.
 */
import { FloeError } from '../../shared/errors.js';
import { pastRunsOf, type CalendarRun, type CheckReport, type Schedule, type SchedulesState } from '../../shared/schedule.js';
import type { DeviceService } from '../devices/device-service.js';
import type { EngineService } from '../engine/engine-service.js';
import { runHook } from '../engine/hooks.js';
import { runPreflight } from '../engine/preflight.js';
import type { LicenseService } from '../license/service.js';
import type { AgentContext } from '../server/context.js';
import { backupDayOf } from './backup-day.js';
import { detectOverlaps, plannedRuns } from './planner.js';
import type { ScheduleStore } from './schedule-store.js';
import { Scheduler, type TimerApi } from './scheduler.js';
import { join } from 'node:path';

/** Job protocols older than this are compressed at NEWDAY. */
const KEEP_LOGS_DAYS = 14;

export class ScheduleService {
  private readonly scheduler: Scheduler;
  private lastCheck: CheckReport | null = null;

  constructor(
    private readonly ctx: AgentContext,
    readonly store: ScheduleStore,
    private readonly engine: EngineService,
    private readonly devices: DeviceService,
    private readonly license: LicenseService,
    options: { timers?: TimerApi } = {},
  ) {
    this.scheduler = new Scheduler({
      store,
      clock: ctx.clock,
      ...(options.timers ? { timers: options.timers } : {}),
      fire: (fire) => {
        if (fire.schedule.type === 'check') {
          void this.check().catch((error: unknown) => ctx.logger.error({ err: error }, 'scheduled pre-flight check failed'));
          return;
        }
        for (const [task, plan] of fire.tasks) {
          try {
            const job = this.engine.startBackup(task, plan.type);
            this.engine.store.appendLog(job.id, { at: ctx.clock().toISOString(), level: 'info', text: `started by schedule ${fire.schedule.name}${fire.missed ? ' (a run missed while the agent was down)' : ''}: ${plan.reason}` });
          } catch (error) {
            const message = `schedule ${fire.schedule.name} could not start ${task}: ${(error as Error).message}`;
            ctx.logger.warn({ schedule: fire.schedule.name, task }, message);
            void runHook(this.hooksDir, 'sm_alarm', ['SCHEDULE', message]);
          }
        }
      },
      onNewDay: (day) => void this.newDay(day),
      onMissed: (missed) => {
        for (const entry of missed) ctx.logger.warn({ schedule: entry.schedule.name, count: entry.count }, 'runs missed while the agent was down');
        this.publish(false);
      },
      onError: (error) => ctx.logger.error({ err: error }, 'scheduler error'),
      history: (task) => {
        const full = engine.store.latestSaveset(task, ['full']);
        return { lastFullAt: full ? new Date(full.started) : null, ...(full ? { fullSizeEstimate: full.bytes } : {}) };
      },
    });
  }

  private get hooksDir(): string {
    return join(this.ctx.paths.root, 'hooks');
  }

  start(): void {
    this.scheduler.start();
  }

  dispose(): void {
    this.scheduler.dispose();
  }

  state(): SchedulesState {
    const config = this.store.backupDay();
    return { schedules: this.store.list(), backupDayConfig: config, backupDay: backupDayOf(this.ctx.clock(), config), lastCheck: this.lastCheck };
  }

  add(input: Parameters<ScheduleStore['add']>[0] & { tasks: string[] }): Schedule {
    const unknown = input.tasks.filter((task) => !this.engine.store.task(task));
    if (unknown.length > 0) throw new FloeError('NOT_FOUND', `no task named ${unknown.join(', ')}; see: floe-agent task list`);
    const schedule = this.store.add(input, this.ctx.clock());
    this.changed();
    return schedule;
  }

  /** Replaces a schedule's definition; the tasks it names must exist, as for `add`. */
  replace(input: Parameters<ScheduleStore['replace']>[0] & { tasks: string[] }): Schedule {
    const unknown = input.tasks.filter((task) => !this.engine.store.task(task));
    if (unknown.length > 0) throw new FloeError('NOT_FOUND', `no task named ${unknown.join(', ')}; see: floe-agent task list`);
    const schedule = this.store.replace(input, this.ctx.clock());
    this.changed();
    return schedule;
  }

  remove(name: string): void {
    if (!this.store.get(name)) throw new FloeError('NOT_FOUND', `no schedule named ${name}; see: floe-agent schedule list`);
    this.store.remove(name);
    this.changed();
  }

  setEnabled(name: string, enabled: boolean): Schedule {
    const schedule = this.store.setEnabled(name, enabled);
    this.changed();
    return schedule;
  }

  setBackupDay(input: { boundary: string; timezone?: string }) {
    const config = this.store.setBackupDay({ boundary: input.boundary, timezone: input.timezone ?? this.store.backupDay().timezone });
    this.changed();
    return config;
  }

  calendar(from: Date, to: Date): CalendarRun[] {
    const config = this.store.backupDay();
    const durations = (task: string): number | null => {
      const last = this.engine.store.latestSaveset(task, ['full', 'diff', 'incr', 'copy']);
      return last ? Date.parse(last.ended) - Date.parse(last.started) : null;
    };
    const driveFor = (task: string) => {
      const pool = this.engine.store.task(task)?.pool;
      const media = pool ? this.devices.listMedia(pool).find((m) => m.location.kind !== 'outside') : undefined;
      return media && 'loader' in media.location ? { loader: media.location.loader, number: 0 } : null;
    };
    const past = pastRunsOf(this.engine.jobs.list(5000), from, to);
    const now = this.ctx.clock();
    const planned = to > now ? plannedRuns(this.store.list(), from > now ? from : now, to, { backupDay: config, durations, driveFor }) : [];
    const missed: CalendarRun[] = this.store.missedBetween(from, to).flatMap(({ schedule: name, at }) => {
      const schedule = this.store.get(name);
      return (schedule?.tasks ?? []).map((task) => ({
        id: `missed:${name}:${task}:${at.toISOString()}`,
        kind: 'missed' as const,
        jobId: null,
        task,
        schedule: name,
        type: schedule?.type ?? 'full',
        status: 'missed' as const,
        start: at.toISOString(),
        end: null,
        bytes: null,
        backupDay: backupDayOf(at, config),
        drive: null,
        overlaps: [],
      }));
    });
    return detectOverlaps([...past, ...planned, ...missed].sort((a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id)), durations);
  }

  async check(): Promise<CheckReport> {
    const report = await runPreflight({ store: this.engine.store, devices: this.devices, license: () => this.license.status(), dataDir: this.ctx.paths.root, now: this.ctx.clock() });
    this.lastCheck = report;
    if (!report.ok) {
      const first = report.problems.find((problem) => problem.severity === 'error');
      await runHook(this.hooksDir, 'sm_alarm', ['CHECK', `${first?.subject}: ${first?.message}`]);
    }
    this.publish(false, report);
    return report;
  }

  private async newDay(day: string): Promise<void> {
    this.ctx.logger.info({ backupDay: day }, 'NEWDAY');
    const compressed = this.engine.store.compressLogs(new Date(this.ctx.clock().getTime() - KEEP_LOGS_DAYS * 86_400_000));
    const previous = this.engine.jobs.list(5000).filter((job) => job.backupDay < day);
    const lastDay = previous.reduce((latest, job) => (job.backupDay > latest ? job.backupDay : latest), '');
    const counts = new Map<string, number>();
    for (const job of previous.filter((candidate) => candidate.backupDay === lastDay)) counts.set(job.state, (counts.get(job.state) ?? 0) + 1);
    const summary = lastDay ? `backup day ${lastDay}: ${[...counts].map(([state, n]) => `${n} ${state}`).join(', ') || 'no jobs'}` : 'no earlier backup day';
    await runHook(this.hooksDir, 'sm_notify', ['NEWDAY', `${day} begins; ${summary}; ${compressed} job protocols compressed`]);
    this.publish(true);
    await this.check().catch((error: unknown) => this.ctx.logger.error({ err: error }, 'pre-flight check failed'));
  }

  private changed(): void {
    this.scheduler.reload();
    this.publish(false);
  }

  private publish(newDay: boolean, check: CheckReport | null = null): void {
    this.ctx.publisher.publish({ domain: 'schedules', change: { state: this.state(), newDay, check } });
  }
}
