// A lane's states over time (a node is leader from 150 to 900 ms), built from its state changes.
import { parseArray, parseNumber, parseString } from '../core/options';

/** A state held by one lane from startMs to endMs (e.g. node n2 is "leader" from 150 to 900 ms). */
export interface StateInterval {
  lane: string;
  state: string;
  startMs: number;
  endMs: number;
}

/** A state change: from `timeMs` on, `lane` is in `state` (until its next change). */
export interface StateChange {
  lane: string;
  state: string;
  timeMs: number;
}

/** Turn state changes into intervals; the last state of each lane lasts until `endMs`. */
export function stateIntervalsFromChanges(changes: readonly StateChange[], endMs: number): StateInterval[] {
  parseArray('changes', changes, 'a non-empty array of {lane, state, timeMs}');
  parseNumber('endMs', endMs, -Infinity, Infinity, 'ms');
  const byLane = new Map<string, StateChange[]>();
  changes.forEach((c, i) => {
    parseString(`changes[${i}].lane`, c.lane);
    parseString(`changes[${i}].state`, c.state);
    parseNumber(`changes[${i}].timeMs`, c.timeMs, -Infinity, endMs, 'ms');
    byLane.set(c.lane, [...(byLane.get(c.lane) ?? []), c]);
  });
  const intervals: StateInterval[] = [];
  for (const [lane, list] of byLane) {
    const sorted = [...list].sort((a, b) => a.timeMs - b.timeMs);
    sorted.forEach((c, i) => intervals.push({ lane, state: c.state, startMs: c.timeMs, endMs: i + 1 < sorted.length ? sorted[i + 1].timeMs : endMs }));
  }
  return intervals;
}
