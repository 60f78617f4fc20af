import { describe, expect, it } from 'vitest';
import { LatestRunner } from '../src/param-controls/latest-runner';

/** A run that reads the "source" when it starts and finishes when the test says so. */
function harness() {
  let source = 0;
  const ran: number[] = [];
  const replies: (() => void)[] = [];
  const runner = new LatestRunner(
    () =>
      new Promise<void>((resolve) => {
        ran.push(source);
        replies.push(resolve);
      })
  );
  const reply = async () => {
    replies.shift()!();
    // let the runner's loop see the reply
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { runner, ran, reply, set: (v: number) => (source = v), replies };
}

describe('LatestRunner: at most one run per kernel reply, the last value wins', () => {
  it('a drag of 50 steps during one run gives one more run, with the last value', async () => {
    const h = harness();
    h.set(1);
    h.runner.request();
    for (let v = 2; v <= 51; v++) {
      h.set(v);
      h.runner.request();
    }
    expect(h.ran).toEqual([1]);
    expect(h.runner.busy).toBe(true);
    await h.reply();
    expect(h.ran).toEqual([1, 51]);
    await h.reply();
    expect(h.ran).toEqual([1, 51]);
    expect(h.runner.busy).toBe(false);
    expect(h.runner.started).toBe(2);
  });

  it('a request after the reply starts a new run at once', async () => {
    const h = harness();
    h.set(1);
    h.runner.request();
    await h.reply();
    h.set(2);
    h.runner.request();
    expect(h.ran).toEqual([1, 2]);
    await h.reply();
    await h.runner.idle();
    expect(h.runner.busy).toBe(false);
  });

  it('a failed run does not stop the next one', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const runner = new LatestRunner(async () => {
      calls++;
      if (calls === 1) throw new Error('kernel said no');
    }, (e) => errors.push(e));
    runner.request();
    runner.request();
    await runner.idle();
    expect(calls).toBe(2);
    expect(errors.map(String)).toEqual(['Error: kernel said no']);
  });

  it('after dispose nothing more runs', async () => {
    const h = harness();
    h.runner.request();
    h.runner.request();
    h.runner.dispose();
    await h.reply();
    h.runner.request();
    expect(h.ran).toHaveLength(1);
  });
});
