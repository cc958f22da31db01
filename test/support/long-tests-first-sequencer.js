const Sequencer = require('@jest/test-sequencer').default;

/** Files named *.long.test.ts start first, so their waiting overlaps everything else. */
class LongTestsFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const isLong = (t) => /\.long\.test\.ts$/.test(t.path);
    return [...sorted.filter(isLong), ...sorted.filter((t) => !isLong(t))];
  }
}

module.exports = LongTestsFirstSequencer;
