// The CDS Hooks service's persistent store: JWT replay ids, the cards we sent (so feedback can be tied to
// rules), clinician feedback and snoozes. Patient ids never reach the database: only a keyed hash does.

export type FeedbackOutcome = 'accepted' | 'overridden';

/** A card as sent to the EHR, remembered so later feedback can be attributed to its rules and patient. */
export interface IssuedCard {
  /** The card's `uuid` (what the EHR echoes back in feedback). */
  readonly uuid: string;
  readonly serviceId: string;
  /** The rule(s) behind the card; a linked group or the weak-evidence card carries several. */
  readonly ruleIds: readonly string[];
  /** The patient's id as the service knows it (qualify it with the FHIR server when several EHRs share a store). */
  readonly patientId: string;
}

export interface CardInfo {
  readonly serviceId: string;
  readonly ruleIds: string[];
  /** Keyed hash of the patient id: opaque, only useful to compare with other stored rows. */
  readonly patientKey: string;
  readonly expiresAt: Date;
}

export interface FeedbackInput {
  readonly serviceId: string;
  readonly cardUuid: string;
  readonly outcome: FeedbackOutcome;
  /** The override reason's code and system, when the clinician picked one. */
  readonly reasonCode?: string;
  readonly reasonSystem?: string;
  /** When the clinician acted (the feedback's `outcomeTimestamp`). */
  readonly outcomeTimestamp: Date;
  /** When we received the feedback. */
  readonly receivedAt: Date;
}

export interface FeedbackOptions {
  /** Also snooze every rule of the card for the card's patient until this time (the "Snooze 90 days" reason). */
  readonly snoozeUntil?: Date;
}

export interface FeedbackResult {
  /** `recorded`; `duplicate` when the same feedback was already stored (a client retry); `unknown-card` when the
   *  card is not (or no longer) remembered: the feedback is still stored, without rules, and nothing is snoozed. */
  readonly status: 'recorded' | 'duplicate' | 'unknown-card';
  readonly ruleIds: string[];
  readonly snoozedRuleIds: string[];
}

export interface SnoozeInput {
  readonly ruleId: string;
  readonly patientId: string;
  readonly until: Date;
}

export interface ReasonCount {
  readonly system: string | null;
  readonly code: string;
  readonly count: number;
}

/** How long the service remembers a card it sent (to attribute its feedback), and so the window of `cardsSent`. */
export const CARD_MEMORY_DAYS = 30;

export interface RuleFeedback {
  readonly ruleId: string;
  /**
   * Cards carrying this rule that were sent and are still remembered (the last CARD_MEMORY_DAYS days): how often
   * the rule spoke lately. Feedback (accepted, overridden) is counted since the store began.
   */
  readonly cardsSent: number;
  readonly accepted: number;
  readonly overridden: number;
  /** Override reasons, most frequent first; overrides without a reason are counted under code `(none)`. */
  readonly reasons: ReasonCount[];
}

export interface FeedbackReport {
  readonly rules: RuleFeedback[];
  /** Feedback for cards the store did not (or no longer) know, so without a rule. */
  readonly unattributed: { readonly accepted: number; readonly overridden: number };
}

export interface StoreHealth {
  readonly ok: boolean;
  readonly kind: StoreKind;
  /** A short, secret-free reason when not ok. */
  readonly detail?: string;
}

export type StoreKind = 'embedded' | 'postgres';

export interface CdsStore {
  readonly kind: StoreKind;
  /** Records a JWT id until it expires; false when it was already used and has not expired (a replay). */
  rememberJti(issuer: string, jti: string, expiresAt: Date, now?: Date): Promise<boolean>;
  /** Remembers cards sent to the EHR until `expiresAt`, so their feedback can be attributed. */
  rememberCards(cards: readonly IssuedCard[], expiresAt: Date): Promise<void>;
  cardInfo(uuid: string, now?: Date): Promise<CardInfo | null>;
  /** Stores one feedback item (never the free-text comment) and optionally snoozes the card's rules. */
  recordFeedback(feedback: FeedbackInput, options?: FeedbackOptions): Promise<FeedbackResult>;
  snooze(input: SnoozeInput): Promise<void>;
  /** Rules snoozed for this patient at `now`. */
  snoozedRules(patientId: string, now?: Date): Promise<Set<string>>;
  /** Per rule: cards sent (still remembered at `now`), accepted, overridden and the override reasons. */
  feedbackReport(now?: Date): Promise<FeedbackReport>;
  /** Deletes expired replay ids, cards and snoozes; run now and then by the store itself. */
  purgeExpired(now?: Date): Promise<void>;
  /** A cheap round trip to the database, for a health check. */
  ready(): Promise<StoreHealth>;
  close(): Promise<void>;
}

/** Bad arguments from the caller: the message says which. */
export class StoreInputError extends Error {}
/** The store cannot start with this configuration (missing secret, wrong secret, folder in use...). */
export class StoreConfigError extends Error {}
/** The embedded store's folder is held by another live process (or already open in this one). */
export class StoreInUseError extends StoreConfigError {
  constructor(
    message: string,
    readonly dir: string,
    /** The process holding it, when known. */
    readonly holderPid?: number,
  ) {
    super(message);
  }
}
