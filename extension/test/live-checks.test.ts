import { describe, expect, it, vi } from 'vitest';
import { liveCheckEvent, MIME_CHECK } from '../src/check-renderer';

// check-renderer.ts also holds the renderer widget; lumino needs a DOM to load, these tests do not.
vi.mock('@lumino/widgets', () => ({ Widget: class {} }));

const result = { version: 1, exercise: 'quorum-size', title: 'Quorum size', passed: false, seed: 7, runs: 7, message: 'm', failure: 'safety', counterexample: null, replay: null };
const message = (overrides: Record<string, unknown> = {}, data: Record<string, unknown> = { [MIME_CHECK]: result, 'text/plain': 'x' }) => ({
  channel: 'iopub',
  header: { msg_id: 'out-1', msg_type: 'display_data', session: 's', username: '', date: '', version: '5.3' },
  parent_header: { msg_id: 'req-1', msg_type: 'execute_request', session: 's', username: '', date: '', version: '5.3' },
  metadata: {},
  content: { data, metadata: {} },
  ...overrides
}) as never;
const sentHere = (id: string) => id === 'req-1';

describe('which kernel messages record an exercise check', () => {
  it('a check in reply to a request this page sent: an exercise event with a numeric seed and a short digest', () => {
    const event = liveCheckEvent(message(), sentHere);
    expect(event).toMatchObject({ id: 'exercise:quorum-size', type: 'exercise', correct: false, seed: 7 });
    expect(event?.result).toMatch(/^[0-9a-f]{16}$/);
    // The same result again digests the same (the server counts it once).
    expect(liveCheckEvent(message(), sentHere)?.result).toBe(event?.result);
    expect(liveCheckEvent(message({ header: { msg_id: 'o', msg_type: 'execute_result' } }), sentHere)).not.toBeNull();
  });

  it("the notebook's starter code run as handed out records nothing; the same failure without the starter mark does", () => {
    const withResult = (r: Record<string, unknown>) => liveCheckEvent(message({}, { [MIME_CHECK]: { ...result, ...r } }), sentHere);
    expect(withResult({ starter: true })).toBeNull();
    expect(withResult({ starter: false })).toMatchObject({ correct: false });
    // A pass is always recorded, whatever a forged starter field says.
    expect(withResult({ passed: true, starter: true })).toMatchObject({ correct: true });
  });

  it('nothing for a reply to a request another page sent, another channel or message type, or another MIME type', () => {
    expect(liveCheckEvent(message({ parent_header: { msg_id: 'someone-else' } }), sentHere)).toBeNull();
    expect(liveCheckEvent(message({ parent_header: {} }), sentHere)).toBeNull();
    expect(liveCheckEvent(message({ channel: 'shell' }), sentHere)).toBeNull();
    expect(liveCheckEvent(message({ header: { msg_id: 'o', msg_type: 'stream' } }), sentHere)).toBeNull();
    expect(liveCheckEvent(message({}, { 'text/plain': 'passed' }), sentHere)).toBeNull();
  });

  it('checks every field: a seed that is not a safe integer is sent as null; a bad exercise id or passed is ignored', () => {
    const withResult = (r: Record<string, unknown>) => liveCheckEvent(message({}, { [MIME_CHECK]: { ...result, ...r } }), sentHere);
    expect(withResult({ seed: '<img src=x onerror=alert(1)>' })?.seed).toBeNull();
    expect(withResult({ seed: 1.5 })?.seed).toBeNull();
    expect(withResult({ seed: 2 ** 60 })?.seed).toBeNull();
    expect(withResult({ seed: null, passed: true })).toMatchObject({ correct: true, seed: null });
    expect(withResult({ passed: 'yes' })).toBeNull();
    expect(withResult({ exercise: '<b>x</b>' })).toBeNull();
    expect(withResult({ version: 2 })).toBeNull();
  });
});
