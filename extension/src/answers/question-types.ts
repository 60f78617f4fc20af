/**
 * The question metadata a markdown cell carries under `metadata.distlab` (schema:
 * extension/schema/question-metadata.v1.json). Written by `npm run quiz`, read by the lab.
 */
export const QUESTION_METADATA_KEY = 'distlab';
export const QUESTION_METADATA_VERSION = 1;

export type QuestionKind = 'single' | 'multiple' | 'numeric' | 'text' | 'classification' | 'code' | 'response' | 'checklist';
export const QUESTION_KINDS: readonly QuestionKind[] = ['single', 'multiple', 'numeric', 'text', 'classification', 'code', 'response', 'checklist'];
/** Kinds that are checked right or wrong, and so count in a score. */
export const GRADED_KINDS: readonly QuestionKind[] = ['single', 'multiple', 'numeric', 'text', 'classification', 'code'];

export interface Choice {
  id: string;
  label: string;
}

/** Fields every kind has. Hashes are hex SHA-256 of `salt|domain|canonical answer`. */
export interface QuestionBase {
  id: string;
  kind: QuestionKind;
  /** Short title for the progress panel. */
  title: string;
  salt: string;
  /** Hint ladder, shown one at a time on request. */
  hints?: string[];
  /** Answer (on give-up) and explanation, obfuscated with a key derived from the salt: not a secret, just not plain text. */
  reveal?: string;
  /** Feedback for anticipated wrong answers: hash of the wrong canonical answer → text encrypted with a key derived from that answer. */
  feedback?: Record<string, string>;
}

export interface ChoiceQuestion extends QuestionBase {
  kind: 'single' | 'multiple';
  options: Choice[];
  /** Hash of the chosen option id (single) or of the sorted ids joined by "," (multiple). */
  answer: string;
}

export interface NumericQuestion extends QuestionBase {
  kind: 'numeric';
  /** Unit a bare number is read in, and the dimension of the answer ("" for a plain ratio). */
  unit: string;
  /** Bucket width in the dimension's base unit (s, B, or 1). */
  quantum: number;
  /** Hashes of the accepted buckets. */
  accept: string[];
}

export interface TextQuestion extends QuestionBase {
  kind: 'text';
  /** Hashes of the normalised accepted answers (the answer and its synonyms). */
  accept: string[];
}

export interface ClassificationQuestion extends QuestionBase {
  kind: 'classification';
  items: Choice[];
  categories: Choice[];
  /** Per item: hash of its category id. */
  itemAnswers: Record<string, string>;
}

export interface CodeQuestion extends QuestionBase {
  kind: 'code';
  /** Exercise id passed to distlab's `gradeExercise`; its check output records progress. */
  exercise: string;
}

export interface ResponseColumn extends Choice {
  /** Shown in the empty cells of this column (an example, not an answer). */
  placeholder?: string;
}

/** A free response kept as the learner's answer: never graded, only answered or not. */
export interface ResponseQuestion extends QuestionBase {
  kind: 'response';
  /** A small table editor with these columns; without them, a text area. */
  columns?: ResponseColumn[];
  /** Rows the table editor shows before the learner adds any (default 3). */
  rows?: number;
  /** Text area: shown while it is empty. */
  placeholder?: string;
  /**
   * The rows are typed once, in the code cell below, and kept when it runs (its
   * `dl.table(rows, { response: id })`): the lab shows them here, read-only. Table only.
   */
  fromRun?: boolean;
  /** fromRun: hash of the rows the notebook's cell starts with (its example), which are not kept as the learner's. */
  example?: string;
}

export interface ChecklistItem {
  id: string;
  label: string;
  /** Question ids that prove this item: it ticks itself when all are correct (a response: answered). */
  questions: string[];
}

/** A checklist (key takeaways) whose items tick from progress, or by hand. */
export interface ChecklistQuestion extends QuestionBase {
  kind: 'checklist';
  items: ChecklistItem[];
}

export type Question = ChoiceQuestion | NumericQuestion | TextQuestion | ClassificationQuestion | CodeQuestion | ResponseQuestion | ChecklistQuestion;

/** A response as stored in progress: the text, or the table's rows (column id → cell text). */
export type ResponseValue = string | Record<string, string>[];

/** What the learner gave: an option id, option ids, typed text, or item → category. */
export type Response = string | string[] | Record<string, string>;

export interface CheckOutcome {
  correct: boolean;
  /** Feedback for a recognised wrong answer (decrypted), if the author wrote one. */
  feedback: string[];
  /** Classification: ids of items in a wrong category. */
  misplaced?: string[];
  /** Numeric: the learner's value could not be read (a message for the learner). */
  unreadable?: string;
}

export interface Reveal {
  /** The reference answer in words. */
  answer: string;
  explanation: string;
}
