import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';
import type { ChecklistItem, ResponseValue } from './answers/question-types';

/** 'answered': a free response given (responses are not graded). */
export type QuestionState = 'unanswered' | 'correct' | 'incorrect' | 'hinted' | 'revealed' | 'answered';

export interface ProgressRecord {
  state: QuestionState;
  attempts: number;
  hints: number;
  correct: boolean;
  revealed: boolean;
  lastSeed?: number;
  /** Kind response: the learner's text, or table rows. */
  response?: ResponseValue;
  /** Kind checklist: items ticked by hand. */
  ticked?: string[];
}

export interface ProgressEvent {
  id: string;
  type: 'attempt' | 'hint' | 'giveup' | 'exercise' | 'response' | 'tick';
  correct?: boolean;
  hint?: number;
  seed?: number | null;
  result?: string;
  response?: ResponseValue;
  /** tick: the checklist item, and whether it is now ticked. */
  item?: string;
  ticked?: boolean;
}

export interface ModuleQuestions {
  path: string;
  title: string;
  questions: { id: string; kind: string; title: string; cell: number; exercise?: string; items?: ChecklistItem[] }[];
}

/** Where a question's record lives: code questions record under their exercise id. */
export function progressKey(question: { id: string; kind: string; exercise?: string }): string {
  return question.kind === 'code' && question.exercise ? `exercise:${question.exercise}` : question.id;
}

/** The learner's progress, kept by the server extension (/distlab/progress). */
export class ProgressStore {
  private readonly settings = ServerConnection.makeSettings();
  private readonly changedSignal = new Signal<this, void>(this);
  records: Record<string, ProgressRecord> = {};
  /** Last error talking to the server, shown in the panel. */
  error: string | null = null;

  get changed(): ISignal<this, void> {
    return this.changedSignal;
  }

  private async request(path: string, init: RequestInit = {}): Promise<any> {
    const url = URLExt.join(this.settings.baseUrl, 'distlab', path);
    const response = await ServerConnection.makeRequest(url, init, this.settings);
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} /distlab/${path}: ${response.status} ${await response.text()}`);
    return response.json();
  }

  private async update(promise: Promise<{ questions: Record<string, ProgressRecord> }>): Promise<void> {
    try {
      this.records = (await promise).questions;
      this.error = null;
    } catch (error) {
      this.error = `progress not saved: ${(error as Error).message}`;
    }
    this.changedSignal.emit();
  }

  refresh(): Promise<void> {
    return this.update(this.request('progress'));
  }

  send(events: ProgressEvent[]): Promise<void> {
    return this.update(this.request('progress', { method: 'POST', body: JSON.stringify({ events }) }));
  }

  reset(): Promise<void> {
    return this.update(this.request('progress', { method: 'DELETE' }));
  }

  async modules(): Promise<ModuleQuestions[]> {
    return (await this.request('questions')).modules as ModuleQuestions[];
  }

  stateOf(key: string): QuestionState {
    return this.records[key]?.state ?? 'unanswered';
  }
}
