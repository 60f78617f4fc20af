// The kernel's messages that answer execute requests this page sent: how a run from this page
// is told apart from a saved output, a reload, another tab's run or someone else's notebook.
import type { ISessionContext } from '@jupyterlab/apputils';
import type { Kernel, KernelMessage } from '@jupyterlab/services';

/** How many requests a kernel connection remembers having sent (the oldest are forgotten). */
const REMEMBERED_REQUESTS = 500;

/**
 * Watches the kernels of notebook sessions and hands every message the kernel sends to
 * `onMessage`, with `sentHere`, which tells whether a request id was sent from this page.
 */
export class KernelRepliesWatcher {
  private readonly watched = new WeakSet<Kernel.IKernelConnection>();

  constructor(private readonly onMessage: (msg: KernelMessage.IMessage, sentHere: (msgId: string) => boolean) => void) {}

  watchSession(sessionContext: ISessionContext): void {
    const current = sessionContext.session?.kernel;
    if (current) this.watchKernel(current);
    sessionContext.kernelChanged.connect((_, { newValue }) => {
      if (newValue) this.watchKernel(newValue);
    });
  }

  watchKernel(kernel: Kernel.IKernelConnection): void {
    if (this.watched.has(kernel)) return;
    this.watched.add(kernel);
    const sent = new Set<string>();
    const sentHere = (msgId: string) => sent.has(msgId);
    kernel.anyMessage.connect((_, { msg, direction }) => {
      if (direction === 'send') {
        if (msg.header.msg_type === 'execute_request') {
          sent.add(msg.header.msg_id);
          if (sent.size > REMEMBERED_REQUESTS) sent.delete(sent.values().next().value as string);
        }
        return;
      }
      this.onMessage(msg, sentHere);
    });
  }
}
