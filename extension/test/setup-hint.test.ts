import { describe, expect, it, vi } from 'vitest';

vi.mock('@jupyterlab/apputils', () => ({ Notification: {} }));
vi.mock('@jupyterlab/cells', () => ({ CodeCell: class {} }));
vi.mock('@jupyterlab/notebook', () => ({ NotebookActions: {}, INotebookTracker: {} }));

describe('which failed cells get the set-up hint', async () => {
  const { missesSetup } = await import('../src/setup-hint');
  it("tslab's missing-dl errors, not other errors", () => {
    expect(missesSetup([{ output_type: 'error', ename: 'Error', evalue: "1:13 - Cannot find namespace 'dl'.", traceback: [] }])).toBe(true);
    expect(missesSetup([{ output_type: 'stream', text: ["2:1 - Cannot find name 'dl'.\n"] }])).toBe(true);
    expect(missesSetup([{ output_type: 'error', ename: 'DistlabInputError', evalue: 'invalid seed: -1', traceback: [] }])).toBe(false);
    expect(missesSetup([{ output_type: 'stream', text: "Cannot find name 'dlx'" }])).toBe(false);
    expect(missesSetup([])).toBe(false);
  });
});
