import type { Ctx, ScenarioResult } from '../lib/context';
export async function memoryScenario(_ctx: Ctx): Promise<ScenarioResult> {
  throw new Error('not yet');
}
