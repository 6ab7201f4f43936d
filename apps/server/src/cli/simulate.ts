import { OpenRouterSimulator } from '../simulator/server.ts';

/** `crux simulate`: the OpenRouter simulator on loopback until interrupted. */
export async function runSimulate(port: string | undefined): Promise<number> {
  const simulator = new OpenRouterSimulator({
    port: Number(port ?? 8788),
    defaults: { generationDelayMs: 1000, chunkDelayMs: 30 },
  });
  const url = await simulator.start();
  console.log(`[crux simulator] OpenRouter simulator (not the real service) at ${url}`);
  console.log(
    '[crux simulator] billing log: GET /api/v1/__billing · queue failures: POST /api/v1/__scenarios',
  );
  process.once('SIGINT', () => void simulator.stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void simulator.stop().then(() => process.exit(0)));
  return -1;
}
