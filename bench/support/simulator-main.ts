/**
 * The simulator as a bench child process: `node --import tsx simulator-main.ts '<scenario JSON>'`
 * prints `simulator at <base URL>` and serves until SIGTERM.
 */
import { OpenRouterSimulator } from '../../apps/server/src/simulator/server.ts';

const simulator = new OpenRouterSimulator({ defaults: JSON.parse(process.argv[2] ?? '{}') });
console.log(`simulator at ${await simulator.start()}`);
process.once('SIGTERM', () => void simulator.stop().then(() => process.exit(0)));
