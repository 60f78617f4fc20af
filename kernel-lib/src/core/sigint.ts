// Listening for the kernel's interrupt (SIGINT) from code a tslab cell calls.

/**
 * Add a SIGINT listener; returns its remover. A cell's code runs under vm's breakOnSigint, which
 * takes every SIGINT listener off for the run and, at its end, leaves Node's exit-on-signal as
 * the process's handler until a listener is added again: a listener added during the run makes
 * the next interrupt kill the kernel. So the listener is added in a microtask, after the run;
 * no signal reaches a listener before then (signals come through the event loop).
 */
export function listenForSigint(listener: () => void): () => void {
  let removed = false;
  queueMicrotask(() => {
    if (!removed) process.on('SIGINT', listener);
  });
  return () => {
    removed = true;
    process.removeListener('SIGINT', listener);
  };
}
