// A jest reporter for the chaos suite: appends each test file's results to the file named by
// ACD_CHAOS_PROGRESS as soon as the file finishes, in the shape of jest's --json output
// (`name`, `assertionResults`, `message`). When `npm run chaos` stops the suite at its time
// bound, jest writes no --json file; this one still holds every scenario that finished.
const { appendFileSync } = require('node:fs');

class ChaosProgressReporter {
  onTestResult(_test, result) {
    const file = process.env.ACD_CHAOS_PROGRESS;
    if (!file) return;
    const line = {
      name: result.testFilePath,
      message: result.failureMessage ?? '',
      assertionResults: (result.testResults ?? []).map((t) => ({
        ancestorTitles: t.ancestorTitles,
        title: t.title,
        status: t.status,
        duration: t.duration,
        failureMessages: t.failureMessages,
      })),
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }
}

module.exports = ChaosProgressReporter;
