// Why a message is lost: the codes the network decides and the trace stores, and their names.

/** The world does not lose the message. */
export const DROP_NONE = 0;
export const DROP_LOSS = 1;
export const DROP_PARTITION = 2;
export const DROP_CRASHED = 3;
/** The trace's name of each code (none for DROP_NONE). */
export const DROP_REASONS: readonly (string | undefined)[] = [undefined, 'loss', 'partition', 'crashed'];
