/** `floe-agent schedule|calendar|check`: schedules, the calendar and the pre-flight check. */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { CalendarRun, CheckReport, Schedule } from '../../../shared/schedule.js';
import { withAgent } from '../agent-client.js';
import { printResult } from '../output.js';
import { dataOption, jsonOption, type CommonOptions } from '../options.js';
import { collect, integer } from '../parse.js';

const data = dataOption;
const json = jsonOption;

type Common = CommonOptions;

function scheduleLine(s: Schedule): string {
  return `${s.name}  ${s.enabled ? '' : '(disabled) '}${s.cron} ${s.timezone}  ${s.type}${s.type === 'auto' ? ` (cycle ${s.dumpCycleDays} d, ${s.runsPerCycle} runs)` : ''}  tasks ${s.tasks.join(', ')}`;
}

function runLine(r: CalendarRun): string {
  return `${r.start}  ${r.backupDay}  ${r.kind.padEnd(7)} ${r.status.padEnd(10)} ${r.type.padEnd(4)} ${r.task}${r.schedule ? ` (${r.schedule})` : ''}${r.overlaps.length ? `  OVERLAPS ${r.overlaps.length}` : ''}`;
}

function checkLines(report: CheckReport): string[] {
  if (report.problems.length === 0) return [`check ${report.at}: everything is ready`];
  return [`check ${report.at}: ${report.ok ? 'ready, with warnings' : 'NOT ready'}`, ...report.problems.map((p) => `${p.severity.padEnd(7)} ${p.subject}: ${p.message}`)];
}

export function registerScheduleCommands(program: Command): void {
  const schedule = program.command('schedule').description('schedules: when tasks run');
  schedule
    .command('add')
    .description('add a schedule (cron expression, in the agent\'s time zone unless --timezone)')
    .addOption(data())
    .requiredOption('--name <name>', 'schedule name')
    .requiredOption('--cron <expr>', 'cron expression, e.g. "0 22 * * 1-5"')
    .option('--task <name>', 'a task to run (repeat; not for --type check)', collect)
    .addOption(new Option('--type <type>', 'backup type (auto: the dump-cycle planner chooses full or incr); check: run the pre-flight check').choices(['full', 'diff', 'incr', 'copy', 'auto', 'check']).makeOptionMandatory())
    .option('--timezone <tz>', 'IANA time zone of the cron expression')
    .option('--dump-cycle <days>', 'auto: a full of every task at least this often', integer)
    .option('--runs-per-cycle <n>', 'auto: runs of this schedule in one cycle', integer)
    .option('--run-missed', 'run once at start when runs were missed while the agent was down')
    .option('--disabled', 'add it disabled')
    .addOption(json())
    .action(async (o: Common & { name: string; cron: string; task?: string[]; type: Schedule['type']; timezone?: string; dumpCycle?: number; runsPerCycle?: number; runMissed?: boolean; disabled?: boolean }) => {
      const created = await withAgent(resolve(o.data), (agent) =>
        agent.call('schedule:add', {
          name: o.name,
          cron: o.cron,
          tasks: o.task ?? [],
          type: o.type,
          ...(o.timezone ? { timezone: o.timezone } : {}),
          ...(o.dumpCycle ? { dumpCycleDays: o.dumpCycle } : {}),
          ...(o.runsPerCycle ? { runsPerCycle: o.runsPerCycle } : {}),
          runMissed: o.runMissed === true,
          enabled: o.disabled !== true,
        }),
      );
      printResult(o.json === true, created, () => [scheduleLine(created)]);
    });
  schedule
    .command('list')
    .description('list the schedules')
    .addOption(data())
    .addOption(json())
    .action(async (o: Common) => {
      const list = await withAgent(resolve(o.data), (agent) => agent.call('schedule:list', {}));
      printResult(o.json === true, list, () => (list.length ? list.map(scheduleLine) : ['no schedules; add one with: floe-agent schedule add']));
    });
  schedule
    .command('remove')
    .description('remove a schedule')
    .addOption(data())
    .requiredOption('--name <name>', 'schedule name')
    .addOption(json())
    .action(async (o: Common & { name: string }) => {
      const result = await withAgent(resolve(o.data), (agent) => agent.call('schedule:remove', { name: o.name }));
      printResult(o.json === true, result, () => ['removed']);
    });
  schedule
    .command('day')
    .description('set the backup day boundary (jobs belong to the backup day in which they started)')
    .addOption(data())
    .requiredOption('--boundary <HH:MM>', 'when a backup day begins, e.g. 06:00')
    .option('--timezone <tz>', 'IANA time zone of the boundary')
    .addOption(json())
    .action(async (o: Common & { boundary: string; timezone?: string }) => {
      const config = await withAgent(resolve(o.data), (agent) => agent.call('backupday:set', { boundary: o.boundary, ...(o.timezone ? { timezone: o.timezone } : {}) }));
      printResult(o.json === true, config, () => [`backup days begin at ${config.boundary} ${config.timezone}`]);
    });

  program
    .command('calendar')
    .description('past, planned and missed runs in a time range (default: the next 7 days), with overlaps')
    .addOption(data())
    .option('--from <iso>', 'start (ISO 8601)')
    .option('--to <iso>', 'end (ISO 8601; at most 62 days after --from)')
    .addOption(json())
    .action(async (o: Common & { from?: string; to?: string }) => {
      const from = o.from ? new Date(o.from) : new Date();
      const to = o.to ? new Date(o.to) : new Date(from.getTime() + 7 * 86_400_000);
      const runs = await withAgent(resolve(o.data), (agent) => agent.call('calendar:query', { from: from.toISOString(), to: to.toISOString() }));
      printResult(o.json === true, runs, () => (runs.length ? runs.map(runLine) : ['no runs in this range']));
    });

  program
    .command('check')
    .description('the pre-flight check: media, sources, catalog space, license (exit 1 when not ready)')
    .addOption(data())
    .addOption(json())
    .action(async (o: Common) => {
      const report = await withAgent(resolve(o.data), (agent) => agent.call('check:run', {}));
      printResult(o.json === true, report, () => checkLines(report));
      if (!report.ok) process.exitCode = 1;
    });
}
