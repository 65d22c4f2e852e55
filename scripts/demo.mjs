#!/usr/bin/env node
// `npm run demo`: a populated fleet on loopback in two minutes. Three real agents with virtual tape
// libraries, pools, labelled media, tasks over sample trees, schedules and a few backups (one with a
// license that expires in 5 days), registered in a demo console profile and served by the web host.
// Ctrl+C stops everything and removes the temporary data. Runs the built output (`npm run build`).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const AGENT = join(ROOT, 'dist/agent/cli/main.js');
const LICENSE = join(ROOT, 'dist/agent/license/vendor-cli.js');
const SERVE = join(ROOT, 'dist/main/web/serve.js');
const LOCATIONS = ['hq-berlin', 'branch-lyon', 'dr-site'];

const data = mkdtempSync(join(tmpdir(), 'floe-demo-'));
const children = [];
let stopping = false;

const say = (text) => process.stdout.write(`${text}\n`);
const run = (cli, args) => execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const agentCli = (dir, ...args) => run(AGENT, [...args, '--data', dir]);

function waitFor(child, stream, pattern, what) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 30 s: ${seen.slice(-500)}`)), 30_000);
    child[stream].on('data', (chunk) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${seen.slice(-500)}`));
    });
  });
}

function sampleTree(dir, name) {
  for (const sub of ['docs/reports', 'docs/contracts', 'mail/inbox', 'mail/archive']) mkdirSync(join(dir, sub), { recursive: true });
  for (let i = 0; i < 40; i += 1) writeFileSync(join(dir, 'docs/reports', `report-${i}.txt`), `${name} report ${i}\n`.repeat(200 + i));
  for (let i = 0; i < 10; i += 1) writeFileSync(join(dir, 'docs/contracts', `contract-${i}.pdf`), Buffer.alloc(20_000 + i * 1000, i));
  for (let i = 0; i < 60; i += 1) writeFileSync(join(dir, 'mail/inbox', `${i}.eml`), `From: someone@${name}.example\nSubject: message ${i}\n\n${'text '.repeat(100)}\n`);
}

async function startLocation(name, vendor) {
  const dir = join(data, name);
  const init = JSON.parse(agentCli(dir, 'init', '--name', name, '--listen', '127.0.0.1:0', '--json'));
  const child = spawn(process.execPath, [AGENT, 'start', '--data', dir], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FLOE_LOG_LEVEL: 'info' } });
  children.push(child);
  const match = await waitFor(child, 'stderr', /"port":(\d+)[^\n]*"msg":"agent listening"/, `agent ${name}`);
  const port = Number(match[1]);
  const source = join(data, `${name}-files`);
  sampleTree(source, name);
  agentCli(dir, 'loader', 'create', '--name', 'vtl1', '--drives', '2', '--slots', '10', '--ie-slots', '2', '--capacity', '256M', '--barcode-prefix', name.slice(0, 2).toUpperCase());
  agentCli(dir, 'pool', 'add', '--name', 'DAILY', '--retention-days', '14');
  agentCli(dir, 'pool', 'add', '--name', 'WEEKLY', '--retention-days', '60');
  for (const slot of ['1', '2', '3']) agentCli(dir, 'media', 'label', '--loader', 'vtl1', '--slot', slot, '--pool', 'DAILY');
  agentCli(dir, 'media', 'label', '--loader', 'vtl1', '--slot', '4', '--pool', 'WEEKLY');
  agentCli(dir, 'task', 'add', '--name', 'docs', '--source', join(source, 'docs'), '--pool', 'DAILY', '--no-hooks');
  agentCli(dir, 'task', 'add', '--name', 'mail', '--source', join(source, 'mail'), '--pool', 'DAILY', '--compress', 'gzip', '--no-hooks');
  agentCli(dir, 'schedule', 'add', '--name', 'nightly', '--cron', '0 22 * * 1-5', '--task', 'docs', '--task', 'mail', '--type', 'incr');
  agentCli(dir, 'schedule', 'add', '--name', 'weekend', '--cron', '0 20 * * 6', '--task', 'docs', '--task', 'mail', '--type', 'full');
  agentCli(dir, 'backup', '--task', 'docs', '--type', 'full', '--quiet');
  agentCli(dir, 'backup', '--task', 'mail', '--type', 'full', '--quiet');
  appendFileSync(join(source, 'docs/reports/report-1.txt'), 'amended\n');
  agentCli(dir, 'backup', '--task', 'docs', '--type', 'incr', '--quiet');
  if (name === 'dr-site') {
    const expires = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    const file = join(data, 'dr-site.license');
    run(LICENSE, ['issue', '--key', join(vendor, 'vendor-private.pem'), '--server', name, '--edition', 'standard', '--modules', 'vtl,hooks', '--expires', expires, '--licensee', 'Demo GmbH', '--drives', '4', '--out', file]);
    agentCli(dir, 'license', 'trust', join(vendor, 'vendor.pub.pem'));
    agentCli(dir, 'license', 'install', file);
  }
  say(`  ${name.padEnd(12)} 127.0.0.1:${port}  ${init.fingerprint}`);
  return { name, port, token: init.token, fingerprint: init.fingerprint };
}

async function register(url, locations) {
  const parsed = new URL(url);
  const token = new URLSearchParams(parsed.hash.slice(1)).get('token');
  const socket = io(parsed.origin, { path: '/api/socket.io', transports: ['websocket'], auth: { token }, extraHeaders: { origin: parsed.origin } });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  try {
    for (const location of locations) {
      const probe = await socket.emitWithAck('floe:call:probeLocation', { host: '127.0.0.1', port: location.port });
      if (!probe.ok || probe.data.fingerprint !== location.fingerprint) throw new Error(`${location.name}: unexpected certificate ${JSON.stringify(probe)}`);
      const added = await socket.emitWithAck('floe:call:addLocation', { name: location.name, host: '127.0.0.1', port: location.port, token: location.token, fingerprint: location.fingerprint });
      if (!added.ok) throw new Error(`${location.name}: ${added.error.message}`);
    }
  } finally {
    socket.close();
  }
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  say('\nstopping the demo fleet…');
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  rmSync(data, { recursive: true, force: true });
  say(`removed ${data}`);
  process.exit(code);
}

process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));

try {
  say(`Floe demo: data in ${data}`);
  const vendor = join(data, 'vendor');
  run(LICENSE, ['keygen', '--out', vendor]);
  const locations = [];
  for (const name of LOCATIONS) locations.push(await startLocation(name, vendor));
  const host = spawn(process.execPath, [SERVE, '--config', join(data, 'console')], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(host);
  const [, url] = await waitFor(host, 'stdout', /Floe console: (http:\/\/\S+)/, 'the web host');
  await register(url, locations);
  say(`\nFloe console: ${url}`);
  say('Open it in a browser (the Electron app: npm start). Press Ctrl+C to stop the demo and remove its data.');
  say('demo ready');
} catch (error) {
  process.stderr.write(`floe demo: ${error instanceof Error ? error.message : String(error)}\n`);
  await stop(1);
}
