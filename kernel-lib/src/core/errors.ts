/** A run went past one of its bounds (`eventsMax`, `inFlightMax`). Carries the seed that replays it. */
export class DistlabLimitError extends Error {
  constructor(message: string, readonly seed: number) {
    super(`${message} (seed=${seed})`);
    this.name = 'DistlabLimitError';
  }
}
