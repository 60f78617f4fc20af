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

/** Something the server did to the learner's progress file that they must know (a damaged file recovered). */
export interface ProgressNotice {
  id: string;
  /** When it happened (ISO 8601). */
  at: string;
  /** What happened, what was recovered, and where the old file is. */
  message: string;
  /** The damaged file, set aside unchanged; null when the file was missing. */
  damagedFile: string | null;
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
  /** Notices from the server the learner has not dismissed yet. */
  notices: ProgressNotice[] = [];
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

  private async update(promise: Promise<{ questions: Record<string, ProgressRecord>; notices?: ProgressNotice[] }>): Promise<void> {
    try {
      const reply = await promise;
      this.records = reply.questions;
      this.notices = Array.isArray(reply.notices) ? reply.notices : [];
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

  /** Forget one question's record (its progress key); the others stay. Only on the learner's click. */
  resetQuestion(key: string): Promise<void> {
    return this.update(this.request(`progress/question?id=${encodeURIComponent(key)}`, { method: 'DELETE' }));
  }

  /** The learner has read the notices (the set-aside files stay where they are). */
  dismissNotices(): Promise<void> {
    return this.update(this.request('progress/notices', { method: 'DELETE' }));
  }

  async modules(): Promise<ModuleQuestions[]> {
    return (await this.request('questions')).modules as ModuleQuestions[];
  }

  stateOf(key: string): QuestionState {
    return this.records[key]?.state ?? 'unanswered';
  }
}
