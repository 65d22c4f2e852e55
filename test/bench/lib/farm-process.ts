/**
 * Child process that hosts an AgentFarm for the console benchmarks, driven over IPC:
 * `{ cmd: 'start', count, rate }` → `{ type: 'ready', agents, credentials }`;
 * `{ cmd: 'stop' }` → `{ type: 'stopped' }`; `{ cmd: 'restart' }` → `{ type: 'restarted', at }`.
 */
import { AgentFarm } from './agent-farm.js';

let farm: AgentFarm | undefined;
let rate = 10;

function send(message: unknown): void {
  process.send?.(message);
}

process.on('message', (message: { cmd: string; count?: number; rate?: number }) => {
  void (async () => {
    switch (message.cmd) {
      case 'start':
        rate = message.rate ?? rate;
        farm = await AgentFarm.start(message.count ?? 1);
        farm.stream(rate);
        send({ type: 'ready', agents: farm.info(), credentials: farm.credentials });
        break;
      case 'stop':
        await farm?.stopAll();
        send({ type: 'stopped', at: Date.now() });
        break;
      case 'restart': {
        const at = Date.now();
        await farm?.restartAll(rate);
        send({ type: 'restarted', at, listeningAt: Date.now() });
        break;
      }
      case 'exit':
        await farm?.stopAll();
        process.exit(0);
    }
  })().catch((error: unknown) => {
    console.error('agent farm:', error);
    process.exit(1);
  });
});
process.on('disconnect', () => process.exit(0));
