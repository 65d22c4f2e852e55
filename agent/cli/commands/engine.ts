/** `floe-agent task|backup|jobs|savesets|restore|verify`: the backup engine on the running agent. */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { FINAL_JOB_STATES, type Job, type Saveset, type Task } from '../../../shared/engine.js';
import { deltaSchema } from '../../../shared/protocol/catalog.js';
import { withAgent, type AgentClient } from '../agent-client.js';
import { printResult } from '../output.js';
import { dataOption, jsonOption, type CommonOptions } from '../options.js';
import { collect, formatBytes, integer } from '../parse.js';

const data = dataOption;
const json = jsonOption;

type Common = CommonOptions;

function taskLine(t: Task): string {
  return `${t.name}  pool ${t.pool}  ${t.compress === 'gzip' ? 'gzip  ' : ''}${t.sources.join(' ')}${t.excludes.length ? `  excluding ${t.excludes.join(' ')}` : ''}`;
}

function jobLine(j: Job): string {
  const what = j.kind === 'backup' ? `${j.type ?? ''} backup of ${j.task ?? ''}` : `${j.kind} ${j.saveset ?? ''}`;
  return `${j.id}  ${j.state.padEnd(13)} ${what}  ${j.files} files  ${formatBytes(j.bytes)}${j.message ? `  — ${j.message}` : ''}`;
}

function savesetLine(s: Saveset): string {
  return `${s.id}  ${s.type.padEnd(4)} ${s.status.padEnd(10)} ${s.files} files  ${formatBytes(s.bytes)}  ${s.media.join(',')}`;
}

/**
 * Follows a job through the agent's deltas until it ends; prints progress on stderr.
 * Exit status: 0 for successful or warning, 1 otherwise (as the CLI contract says).
 */
async function follow(agent: AgentClient, started: Job, quiet: boolean): Promise<Job> {
  let last = started;
  const done = new Promise<Job>((resolveDone) => {
    agent.onDelta((raw) => {
      const delta = deltaSchema.safeParse(raw);
      if (!delta.success || delta.data.change.domain !== 'jobs' || delta.data.change.change.job.id !== started.id) return;
      const job = delta.data.change.change.job;
      if (!quiet && (job.state !== last.state || job.files !== last.files)) {
        process.stderr.write(`${job.state.padEnd(13)} ${job.files} files  ${formatBytes(job.bytes)}${job.rate ? `  ${formatBytes(job.rate)}/s` : ''}${job.message ? `  — ${job.message}` : ''}\n`);
      }
      last = job;
      if (FINAL_JOB_STATES.includes(job.state) && job.endedAt) resolveDone(job);
    });
  });
  // The job may have ended before we listened: ask once, then wait for deltas.
  const now = await agent.call('job:get', { id: started.id });
  if (FINAL_JOB_STATES.includes(now.state) && now.endedAt) return now;
  return done;
}

function finish(options: Common, job: Job): void {
  printResult(options.json === true, job, () => [jobLine(job)]);
  if (job.state !== 'successful' && job.state !== 'warning') process.exitCode = 1;
}

export function registerEngineCommands(program: Command): void {
  const task = program.command('task').description('backup tasks: what to save and where');
  task
    .command('add')
    .description('add a task')
    .addOption(data())
    .requiredOption('--name <name>', 'task name')
    .requiredOption('--source <path>', 'an absolute path to save (repeat)', collect)
    .option('--exclude <glob>', 'leave out matching paths (repeat; a pattern without / matches names)', collect)
    .requiredOption('--pool <pool>', 'media pool to write to')
    .addOption(new Option('--compress <mode>', 'compression of the saveset stream').choices(['none', 'gzip']).default('none'))
    .option('--no-hooks', 'do not run the PRE/POST hooks of DATA/hooks')
    .option('--backup-on-pre-error', 'back up even when the PRE hook reports an error')
    .addOption(json())
    .action(async (o: Common & { name: string; source: string[]; exclude?: string[]; pool: string; compress: Task['compress']; hooks: boolean; backupOnPreError?: boolean }) => {
      const created = await withAgent(resolve(o.data), (agent) =>
        agent.call('task:add', { name: o.name, sources: o.source.map((source) => resolve(source)), excludes: o.exclude ?? [], pool: o.pool, compress: o.compress, hooks: o.hooks, backupOnPreError: o.backupOnPreError === true }),
      );
      printResult(o.json === true, created, () => [taskLine(created)]);
    });
  task
    .command('list')
    .description('list the tasks')
    .addOption(data())
    .addOption(json())
    .action(async (o: Common) => {
      const tasks = await withAgent(resolve(o.data), (agent) => agent.call('task:list', {}));
      printResult(o.json === true, tasks, () => (tasks.length ? tasks.map(taskLine) : ['no tasks; add one with: floe-agent task add']));
    });
  task
    .command('remove')
    .description('remove a task (its savesets stay in the catalog)')
    .addOption(data())
    .requiredOption('--name <name>', 'task name')
    .addOption(json())
    .action(async (o: Common & { name: string }) => {
      const result = await withAgent(resolve(o.data), (agent) => agent.call('task:remove', { name: o.name }));
      printResult(o.json === true, result, () => ['removed']);
    });

  program
    .command('backup')
    .description('run a backup of a task on the running agent and follow it to its end')
    .addOption(data())
    .requiredOption('--task <name>', 'task name')
    .addOption(new Option('--type <type>', 'backup type').choices(['full', 'diff', 'incr', 'copy']).default('full'))
    .option('--quiet', 'no progress on stderr')
    .addOption(json())
    .action(async (o: Common & { task: string; type: 'full' | 'diff' | 'incr' | 'copy'; quiet?: boolean }) => {
      const job = await withAgent(resolve(o.data), async (agent) => follow(agent, await agent.call('backup:start', { task: o.task, type: o.type }), o.quiet === true || o.json === true));
      finish(o, job);
    });

  program
    .command('jobs')
    .description('list recent jobs, or show one job\'s protocol with --id')
    .addOption(data())
    .option('--id <id>', 'show this job and its protocol')
    .option('--limit <n>', 'how many jobs', integer, 50)
    .addOption(json())
    .action(async (o: Common & { id?: string; limit: number }) => {
      await withAgent(resolve(o.data), async (agent) => {
        if (o.id) {
          const job = await agent.call('job:get', { id: o.id });
          const log = await agent.call('job:log', { id: o.id, limit: 1000 });
          printResult(o.json === true, { job, log }, () => [jobLine(job), ...log.map((line) => `${line.at}  ${line.level.padEnd(5)} ${line.text}`)]);
        } else {
          const jobs = await agent.call('job:list', { limit: o.limit });
          printResult(o.json === true, jobs, () => (jobs.length ? jobs.map(jobLine) : ['no jobs yet']));
        }
      });
    });
  program
    .command('cancel')
    .description('cancel a running or queued job')
    .addOption(data())
    .requiredOption('--id <id>', 'job id')
    .addOption(json())
    .action(async (o: Common & { id: string }) => {
      const job = await withAgent(resolve(o.data), (agent) => agent.call('job:cancel', { id: o.id }));
      printResult(o.json === true, job, () => [`cancelling ${job.id}`]);
    });

  program
    .command('savesets')
    .description('list savesets in the catalog')
    .addOption(data())
    .option('--task <name>', 'only this task')
    .addOption(json())
    .action(async (o: Common & { task?: string }) => {
      const savesets = await withAgent(resolve(o.data), (agent) => agent.call('saveset:list', o.task ? { task: o.task } : {}));
      printResult(o.json === true, savesets, () => (savesets.length ? savesets.map(savesetLine) : ['no savesets yet']));
    });

  program
    .command('restore')
    .description('restore a saveset (or, with --chain, the task\'s state as of it) into a directory')
    .addOption(data())
    .requiredOption('--saveset <id>', 'saveset id')
    .requiredOption('--to <dir>', 'target directory (created if missing)')
    .option('--path <path>', 'restore only this path (repeat)', collect)
    .option('--chain', 'point in time: the full, differentials and incrementals up to this saveset')
    .option('--original', 'allow a target inside the task\'s own sources (restore in place)')
    .option('--keep-special-bits', 'keep setuid, setgid and sticky bits and security.*/trusted.* extended attributes (cleared by default; user.* attributes are always restored)')
    .option('--quiet', 'no progress on stderr')
    .addOption(json())
    .action(async (o: Common & { saveset: string; to: string; path?: string[]; chain?: boolean; original?: boolean; keepSpecialBits?: boolean; quiet?: boolean }) => {
      const job = await withAgent(resolve(o.data), async (agent) =>
        follow(
          agent,
          await agent.call('restore:start', { saveset: o.saveset, to: resolve(o.to), ...(o.path ? { paths: o.path.map((p) => resolve(p)) } : {}), chain: o.chain === true, original: o.original === true, ...(o.keepSpecialBits ? { keepSpecialBits: true } : {}) }),
          o.quiet === true || o.json === true,
        ),
      );
      finish(o, job);
    });

  program
    .command('verify')
    .description('verify a saveset: every chunk present with its size, or with --read-data every checksum')
    .addOption(data())
    .requiredOption('--saveset <id>', 'saveset id')
    .option('--read-data', 'read the data back and compare checksums')
    .option('--quiet', 'no progress on stderr')
    .addOption(json())
    .action(async (o: Common & { saveset: string; readData?: boolean; quiet?: boolean }) => {
      const job = await withAgent(resolve(o.data), async (agent) => follow(agent, await agent.call('verify:start', { saveset: o.saveset, readData: o.readData === true }), o.quiet === true || o.json === true));
      finish(o, job);
    });
}
