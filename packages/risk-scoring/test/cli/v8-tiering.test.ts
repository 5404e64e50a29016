import { cliTieringFlag } from '../../src/cli/v8-tiering';

// The end-to-end check (a CLI run compiles no engine function with TurboFan) is in bin.test.ts: every
// test that starts the bin lives in that one file, so none of them races its rebuild test.

describe('cliTieringFlag (the review CLI runs without V8 TurboFan)', () => {
  it('should turn the optimising compiler off when node was started without tiering flags', () => {
    expect(cliTieringFlag([])).toBe('--no-turbofan');
    expect(cliTieringFlag(['--max-old-space-size=4096', '--trace-opt', '--enable-source-maps'])).toBe('--no-turbofan');
  });

  it("should leave V8's tiering alone when the user chose it on node's command line", () => {
    for (const flag of ['--turbofan', '--opt', '--no-opt', '--no-turbofan', '--maglev', '--no-sparkplug', '--always-sparkplug', '--jitless', '--turbofan=true']) {
      expect(cliTieringFlag(['--trace-opt', flag])).toBeUndefined();
    }
    // Flags that merely start with a tiering flag's name are not tiering choices.
    expect(cliTieringFlag(['--opt-something'])).toBe('--no-turbofan');
  });
});
