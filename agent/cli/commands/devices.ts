/** `floe-agent loader|drive|pool|media …`: device operations on the running agent. */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { Drive, Loader, LoaderElement, Media, Pool } from '../../../shared/devices.js';
import { withAgent } from '../agent-client.js';
import { printResult } from '../output.js';
import { dataOption, jsonOption, type CommonOptions } from '../options.js';
import { collect, formatBytes, integer, size } from '../parse.js';

const data = dataOption;
const json = jsonOption;

type Common = CommonOptions;

function element(e: LoaderElement): string {
  const what = e.full ? (e.barcode ?? '(no barcode)') : '—';
  const home = e.homeSlot === null ? '' : ` (home ${e.homeSlot})`;
  return `${e.kind === 'drive' ? 'drive' : e.kind === 'ie' ? 'i/e  ' : 'slot '} ${String(e.number).padStart(3)}  ${what}${home}`;
}

function loaderLines(loader: Loader): string[] {
  const lines = [`${loader.name} (${loader.kind}) ${loader.drives} drives, ${loader.slots} slots, ${loader.ieSlots} i/e — ${loader.device}`];
  lines.push(`inventory read ${loader.inventoryAt ?? 'never'}`);
  lines.push(...loader.elements.map(element));
  for (const m of loader.mismatches) lines.push(`! ${m.kind} ${m.element}: catalog expects ${m.expected ?? 'empty'}, changer reports ${m.found ?? 'empty'}`);
  return lines;
}

function driveLine(d: Drive): string {
  return `${d.loader}:${d.number}  ${d.state.padEnd(9)} ${d.barcode ?? '—'}${d.media ? ` [${d.media}]` : ''}${d.job ? `  job ${d.job}` : ''}${d.detail ? `  (${d.detail})` : ''}`;
}

function mediaLine(m: Media): string {
  const where = m.location.kind === 'outside' ? 'outside' : m.location.kind === 'drive' ? `${m.location.loader} drive ${m.location.drive}` : `${m.location.loader} ${m.location.kind} ${m.location.element}`;
  return `${m.label}  ${m.barcode ?? '—'}  ${m.pool}  ${m.state.padEnd(7)} ${formatBytes(m.used)} / ${formatBytes(m.capacity)}  ${where}${m.writeProtected ? '  write-protected' : ''}`;
}

function poolLine(p: Pool): string {
  return `${p.name}  pattern ${p.labelPattern}  retention ${p.retentionDays} d  media ${p.mediaType}  allocation ${p.allocation}`;
}

function act<O extends Common, T>(work: (options: O) => Promise<T>, lines: (result: T) => string[]) {
  return async (options: O): Promise<void> => {
    const result = await work({ ...options, data: resolve(options.data) });
    printResult(options.json === true, result, () => lines(result));
  };
}

export function registerDeviceCommands(program: Command): void {
  const loader = program.command('loader').description('tape loaders: virtual tape libraries and mtx changers');
  loader
    .command('create')
    .description('create a virtual tape library (--drives/--slots) or register an mtx changer (--mtx)')
    .addOption(data())
    .requiredOption('--name <name>', 'loader name')
    .option('--drives <n>', 'VTL: number of drives', integer)
    .option('--slots <n>', 'VTL: number of storage slots', integer)
    .option('--ie-slots <n>', 'VTL: number of import/export slots', integer, 0)
    .option('--capacity <size>', 'VTL: capacity of each cartridge (e.g. 800G)', size, size('10G'))
    .option('--barcode-prefix <p>', 'VTL: barcode prefix (then the slot number)', 'FLO')
    .option('--cartridges <n>', 'VTL: how many slots get a cartridge (default: all)', integer)
    .option('--mtx <device>', 'mtx: the changer device (e.g. /dev/sg3)')
    .option('--tape-drive <device>', 'mtx: a tape drive, its non-rewinding device (/dev/nstN), in changer order (repeat); savesets become tape files after the label', collect)
    .option('--mtx-command <path>', 'mtx: the mtx program', 'mtx')
    .option('--mt-command <path>', 'mtx: the mt program', 'mt')
    .addOption(json())
    .action(
      act(
        (o: Common & { name: string; drives?: number; slots?: number; ieSlots: number; capacity: number; barcodePrefix: string; cartridges?: number; mtx?: string; tapeDrive?: string[]; mtxCommand: string; mtCommand: string }) =>
          withAgent(o.data, (agent) =>
            o.mtx
              ? agent.call('loader:create', { name: o.name, kind: 'mtx', device: o.mtx, tapeDrives: o.tapeDrive ?? [], mtxCommand: o.mtxCommand, mtCommand: o.mtCommand })
              : agent.call('loader:create', {
                  name: o.name,
                  kind: 'vtl',
                  drives: o.drives ?? 0,
                  slots: o.slots ?? 0,
                  ieSlots: o.ieSlots,
                  capacity: o.capacity,
                  barcodePrefix: o.barcodePrefix,
                  ...(o.cartridges === undefined ? {} : { cartridges: o.cartridges }),
                }),
          ),
        loaderLines,
      ),
    );
  loader
    .command('list')
    .description('list the loaders with their elements')
    .addOption(data())
    .addOption(json())
    .action(act((o: Common) => withAgent(o.data, (agent) => agent.call('loader:list', {})), (loaders) => (loaders.length ? loaders.flatMap((l) => [...loaderLines(l), '']) : ['no loaders; create one with: floe-agent loader create'])));
  loader
    .command('remove')
    .description('remove a loader that nothing uses (a VTL keeps its directory)')
    .addOption(data())
    .requiredOption('--name <name>', 'loader name')
    .addOption(json())
    .action(act((o: Common & { name: string }) => withAgent(o.data, (agent) => agent.call('loader:remove', { name: o.name })), () => ['removed']));
  loader
    .command('inventory')
    .description('show the inventory (cached, with its age); --refresh reads the changer again')
    .addOption(data())
    .requiredOption('--name <name>', 'loader name')
    .option('--refresh', 'read the changer now')
    .addOption(json())
    .action(act((o: Common & { name: string; refresh?: boolean }) => withAgent(o.data, (agent) => agent.call('loader:inventory', { name: o.name, refresh: o.refresh === true })), loaderLines));
  loader
    .command('load')
    .description('load the cartridge of a slot into a drive')
    .addOption(data())
    .requiredOption('--loader <name>', 'loader name')
    .requiredOption('--slot <n>', 'slot element', integer)
    .requiredOption('--drive <n>', 'drive number (from 0)', integer)
    .addOption(json())
    .action(act((o: Common & { loader: string; slot: number; drive: number }) => withAgent(o.data, (agent) => agent.call('loader:load', { loader: o.loader, slot: o.slot, drive: o.drive })), (d) => [driveLine(d)]));
  loader
    .command('unload')
    .description('unload a drive to its home slot (or --slot)')
    .addOption(data())
    .requiredOption('--loader <name>', 'loader name')
    .requiredOption('--drive <n>', 'drive number (from 0)', integer)
    .option('--slot <n>', 'slot element to unload to', integer)
    .addOption(json())
    .action(
      act((o: Common & { loader: string; drive: number; slot?: number }) => withAgent(o.data, (agent) => agent.call('loader:unload', { loader: o.loader, drive: o.drive, ...(o.slot === undefined ? {} : { slot: o.slot }) })), (d) => [driveLine(d)]),
    );
  for (const [name, description] of [
    ['transfer', 'move a cartridge from one slot to another'],
    ['import', 'move a cartridge from an import/export slot into a storage slot'],
    ['export', 'move a cartridge from a storage slot to an import/export slot'],
  ] as const) {
    const command = loader.command(name).description(description).addOption(data()).requiredOption('--loader <name>', 'loader name');
    if (name === 'import') command.option('--from <n>', 'import/export slot (default: the first full one)', integer);
    else command.requiredOption('--from <n>', 'source slot element', integer);
    command
      .option(`--to <n>`, name === 'transfer' ? 'destination slot element' : 'destination (default: the first empty one)', integer)
      .addOption(json())
      .action(
        act(
          (o: Common & { loader: string; from?: number; to?: number }) =>
            withAgent(o.data, (agent) => {
              const target = o.to === undefined ? {} : { to: o.to };
              if (name === 'transfer') return agent.call('loader:transfer', { loader: o.loader, from: o.from ?? 0, to: o.to ?? 0 });
              if (name === 'import') return agent.call('loader:import', { loader: o.loader, ...(o.from === undefined ? {} : { from: o.from }), ...target });
              return agent.call('loader:export', { loader: o.loader, from: o.from ?? 0, ...target });
            }),
          loaderLines,
        ),
      );
  }

  const drive = program.command('drive').description('drives');
  drive
    .command('list')
    .description('list the drives with their state and media')
    .addOption(data())
    .addOption(json())
    .action(act((o: Common) => withAgent(o.data, (agent) => agent.call('drive:list', {})), (drives) => (drives.length ? drives.map(driveLine) : ['no drives'])));
  drive
    .command('clean')
    .description('clean a drive with a cleaning cartridge (barcode CLN…) from the loader')
    .addOption(data())
    .requiredOption('--loader <name>', 'loader name')
    .requiredOption('--drive <n>', 'drive number (from 0)', integer)
    .addOption(json())
    .action(act((o: Common & { loader: string; drive: number }) => withAgent(o.data, (agent) => agent.call('drive:clean', { loader: o.loader, drive: o.drive })), (r) => [`cleaned ${r.drive.loader}:${r.drive.number} with ${r.cleaningBarcode} (use ${r.uses})`]));

  const pool = program.command('pool').description('media pools');
  pool
    .command('add')
    .description('add a media pool')
    .addOption(data())
    .requiredOption('--name <name>', 'pool name (upper case, e.g. DAILY)')
    .option('--label-pattern <regex>', 'labels must match (default: ^NAME\\d{5}$)')
    .option('--retention-days <n>', 'days media stays locked after its last write', integer)
    .addOption(new Option('--media-type <type>', 'media the pool takes').choices(['any', 'vtl', 'tape']))
    .addOption(new Option('--allocation <mode>', 'continue on appendable media, or always start new media').choices(['continue', 'new']))
    .addOption(json())
    .action(
      act(
        (o: Common & { name: string; labelPattern?: string; retentionDays?: number; mediaType?: Pool['mediaType']; allocation?: Pool['allocation'] }) =>
          withAgent(o.data, (agent) =>
            agent.call('pool:add', {
              name: o.name,
              ...(o.labelPattern === undefined ? {} : { labelPattern: o.labelPattern }),
              ...(o.retentionDays === undefined ? {} : { retentionDays: o.retentionDays }),
              ...(o.mediaType === undefined ? {} : { mediaType: o.mediaType }),
              ...(o.allocation === undefined ? {} : { allocation: o.allocation }),
            }),
          ),
        (p) => [poolLine(p)],
      ),
    );
  pool
    .command('list')
    .description('list the pools')
    .addOption(data())
    .addOption(json())
    .action(act((o: Common) => withAgent(o.data, (agent) => agent.call('pool:list', {})), (pools) => (pools.length ? pools.map(poolLine) : ['no pools; add one with: floe-agent pool add --name DAILY'])));

  const media = program.command('media').description('media (cartridges with a Floe label)');
  media
    .command('label')
    .description('write a label on the cartridge of a slot (refuses media holding data unless --force)')
    .addOption(data())
    .requiredOption('--loader <name>', 'loader name')
    .requiredOption('--slot <n>', 'slot element', integer)
    .requiredOption('--pool <name>', 'pool')
    .option('--label <label>', 'the label (default: the pool\'s next number)')
    .option('--force', 'relabel media that holds data (destroys it)')
    .addOption(json())
    .action(
      act(
        (o: Common & { loader: string; slot: number; pool: string; label?: string; force?: boolean }) =>
          withAgent(o.data, (agent) => agent.call('media:label', { loader: o.loader, slot: o.slot, pool: o.pool, ...(o.label === undefined ? {} : { label: o.label }), force: o.force === true })),
        (m) => [mediaLine(m)],
      ),
    );
  media
    .command('list')
    .description('list labelled media')
    .addOption(data())
    .option('--pool <name>', 'only this pool')
    .addOption(json())
    .action(act((o: Common & { pool?: string }) => withAgent(o.data, (agent) => agent.call('media:list', o.pool === undefined ? {} : { pool: o.pool })), (list) => (list.length ? list.map(mediaLine) : ['no labelled media'])));
}
