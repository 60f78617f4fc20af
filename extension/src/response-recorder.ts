import type { KernelMessage } from '@jupyterlab/services';
import type { ResponseMimeType, ResponseRowsV1 } from 'distlab/dist/figures/response-mime';
import type { ResponseQuestion } from './answers/question-types';
import { exampleHash, responseFromRun } from './answers/responses';
import { KernelRepliesWatcher } from './kernel-replies';
import type { ProgressEvent } from './progress-client';

/** Must equal distlab's MIME_RESPONSE; the shared type makes a typo a compile error. */
export const MIME_RESPONSE: ResponseMimeType = 'application/vnd.distlab.response.v1+json';

const QUESTION_ID = /^[a-z0-9][a-z0-9-]{0,79}$/;

/** What a run's table means for its question: a response to keep, or why it is not kept. */
export type RunResponse = { question: string; event: ProgressEvent } | { question: string; problem: string };

/**
 * The response a kernel message carries, or null. Only an output (display_data, execute_result,
 * update_display_data) in reply to a request this page sent counts, and only for a `fromRun`
 * response question of the same notebook (`questionOf`); the rows are untrusted input, checked
 * and bounded like a typed response. The notebook's own example rows are not the learner's.
 */
export function liveResponse(msg: KernelMessage.IMessage, sentHere: (msgId: string) => boolean, questionOf: (id: string) => ResponseQuestion | null): RunResponse | null {
  const type = msg.header?.msg_type;
  if (msg.channel !== 'iopub' || (type !== 'display_data' && type !== 'execute_result' && type !== 'update_display_data')) return null;
  const parent = (msg.parent_header as Partial<KernelMessage.IHeader> | undefined)?.msg_id;
  if (typeof parent !== 'string' || !sentHere(parent)) return null;
  const sent = (msg.content as { data?: Record<string, unknown> }).data?.[MIME_RESPONSE] as Partial<ResponseRowsV1> | undefined;
  if (typeof sent !== 'object' || sent === null || sent.version !== 1 || typeof sent.question !== 'string' || !QUESTION_ID.test(sent.question)) return null;
  const q = questionOf(sent.question);
  if (q === null || q.fromRun !== true) return null;
  const outcome = responseFromRun(q, sent.rows);
  if ('problem' in outcome) return { question: q.id, problem: `Not kept as your response: ${outcome.problem.replace(/\.$/, '')}.` };
  if (q.example !== undefined && exampleHash(q, outcome.response) === q.example) {
    return { question: q.id, problem: "Those are the notebook's example rows, not kept as your response: put your own system's rows in the cell and run it again." };
  }
  return { question: q.id, event: { id: q.id, type: 'response', response: outcome.response } };
}

/**
 * Keeps the rows of response tables as they arrive from the kernel in reply to execute requests
 * this page sent: the learner ran the cell here. A saved output, a reload, another tab's run or a
 * notebook of someone else's never records anything through this page.
 */
export class LiveResponseRecorder extends KernelRepliesWatcher {
  constructor(questionOf: (id: string) => ResponseQuestion | null, report: (result: RunResponse) => void) {
    super((msg, sentHere) => {
      const result = liveResponse(msg, sentHere, questionOf);
      if (result) report(result);
    });
  }
}
