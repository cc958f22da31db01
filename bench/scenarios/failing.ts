import type { Ctx, ScenarioResult } from '../lib/context';
export async function failingScenario(_ctx: Ctx): Promise<ScenarioResult> {
  throw new Error('not yet');
}
