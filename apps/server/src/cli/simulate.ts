import { OpenRouterSimulator } from '../simulator/server.ts';
import { portInUse } from './errors.ts';

/** `crux simulate`: the OpenRouter simulator on loopback until interrupted. */
export async function runSimulate(port: number): Promise<number> {
  const simulator = new OpenRouterSimulator({
    port,
    defaults: { generationDelayMs: 1000, chunkDelayMs: 30 },
  });
  const url = await simulator.start().catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'EADDRINUSE')
      throw portInUse(port, '127.0.0.1', 'is a simulator already running? Pass --port with a free one');
    throw error;
  });
  console.log(`[crux simulator] OpenRouter simulator (not the real service) at ${url}`);
  console.log(
    '[crux simulator] billing log: GET /api/v1/__billing · queue failures: POST /api/v1/__scenarios',
  );
  process.once('SIGINT', () => void simulator.stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void simulator.stop().then(() => process.exit(0)));
  return -1;
}
