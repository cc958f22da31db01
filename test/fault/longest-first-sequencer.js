const Sequencer = require('@jest/test-sequencer').default;

/** The fault files in order of their expected length, the longest (the 60 s receiver outage) first. */
const ORDER = ['receiver-down', 'worker-kill', 'postgres-restart', 'temporal-restart', 'api-kill'];

class LongestFirstSequencer extends Sequencer {
  sort(tests) {
    const rank = (t) => {
      const i = ORDER.findIndex((name) => t.path.includes(`${name}.fault.test.ts`));
      return i < 0 ? ORDER.length : i;
    };
    return [...tests].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirstSequencer;
