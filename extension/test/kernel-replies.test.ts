import { describe, expect, it } from 'vitest';
import { KernelRepliesWatcher } from '../src/kernel-replies';

// A kernel connection's anyMessage signal and a session whose kernel can change, as far as the
// watcher uses them.
type Msg = { channel: string; header: { msg_id: string; msg_type: string }; parent_header: { msg_id?: string } };
function fakeKernel() {
  const slots: Array<(sender: unknown, args: { msg: Msg; direction: 'send' | 'recv' }) => void> = [];
  return {
    anyMessage: { connect: (slot: (typeof slots)[number]) => void slots.push(slot) },
    connections: () => slots.length,
    send: (id: string, type = 'execute_request') => slots.forEach((s) => s(null, { msg: { channel: 'shell', header: { msg_id: id, msg_type: type }, parent_header: {} }, direction: 'send' })),
    reply: (parent: string) => slots.forEach((s) => s(null, { msg: { channel: 'iopub', header: { msg_id: `out-${parent}`, msg_type: 'display_data' }, parent_header: { msg_id: parent } }, direction: 'recv' }))
  };
}
function fakeSession(kernel: ReturnType<typeof fakeKernel> | null) {
  const slots: Array<(sender: unknown, change: { newValue: unknown }) => void> = [];
  return {
    session: kernel ? { kernel } : null,
    kernelChanged: { connect: (slot: (typeof slots)[number]) => void slots.push(slot) },
    change: (next: ReturnType<typeof fakeKernel>) => slots.forEach((s) => s(null, { newValue: next }))
  };
}
const watching = () => {
  const seen: Array<{ parent: string | undefined; here: boolean }> = [];
  const watcher = new KernelRepliesWatcher((msg, sentHere) => {
    const parent = (msg.parent_header as { msg_id?: string }).msg_id;
    seen.push({ parent, here: parent !== undefined && sentHere(parent) });
  });
  return { watcher, seen };
};

describe('the kernel messages that answer this page', () => {
  it('tells a reply to a request sent from this page from one to a request it never sent, and hands on only what the kernel sends', () => {
    const { watcher, seen } = watching();
    const kernel = fakeKernel();
    watcher.watchSession(fakeSession(kernel) as never);
    kernel.send('req-here');
    kernel.reply('req-here');
    kernel.reply('req-other-tab');
    expect(seen).toEqual([
      { parent: 'req-here', here: true },
      { parent: 'req-other-tab', here: false }
    ]);
  });

  it('a request other than execute (a completion, an inspect) does not make its replies "run from this page"', () => {
    const { watcher, seen } = watching();
    const kernel = fakeKernel();
    watcher.watchKernel(kernel as never);
    kernel.send('complete-1', 'complete_request');
    kernel.reply('complete-1');
    expect(seen).toEqual([{ parent: 'complete-1', here: false }]);
  });

  it('remembers the last 500 requests, not more: the oldest are forgotten', () => {
    const { watcher, seen } = watching();
    const kernel = fakeKernel();
    watcher.watchKernel(kernel as never);
    for (let i = 0; i < 501; i++) kernel.send(`req-${i}`);
    kernel.reply('req-0');
    kernel.reply('req-1');
    kernel.reply('req-500');
    expect(seen.map((s) => s.here)).toEqual([false, true, true]);
  });

  it("watches the session's next kernel after a restart or a change, and a kernel once however often it is offered", () => {
    const { watcher, seen } = watching();
    const first = fakeKernel();
    const session = fakeSession(first);
    watcher.watchSession(session as never);
    watcher.watchKernel(first as never);
    expect(first.connections()).toBe(1);
    const next = fakeKernel();
    session.change(next);
    next.send('req-new');
    next.reply('req-new');
    // Requests are remembered per kernel: the first kernel never saw req-new sent.
    first.reply('req-new');
    expect(seen).toEqual([
      { parent: 'req-new', here: true },
      { parent: 'req-new', here: false }
    ]);
  });
});
