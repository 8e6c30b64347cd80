// Jest runs the selected projects' files in one queue, slowest first. This keeps the tiers in
// order instead (unit, integration, e2e, then browser), each still slowest first within: the
// cheap tiers report first, and the browser tier, which needs Chromium, runs last.
const Sequencer = require('@jest/test-sequencer').default;

const TIERS = ['unit', 'integration', 'e2e', 'browser'];

function rank(test) {
  const tier = TIERS.indexOf(test.context.config.displayName?.name);
  return tier < 0 ? TIERS.length : tier;
}

class TierSequencer extends Sequencer {
  async sort(tests) {
    const bySpeed = await super.sort(tests);
    return [...bySpeed].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = TierSequencer;
