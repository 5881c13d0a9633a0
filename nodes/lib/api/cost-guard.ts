// The cost guard of an account: limits on tool rounds per turn, tokens per turn and tokens per day.
// Checked before each request (an exceeded limit means no request is sent) and fed after each reply.
import { ClaudeError } from "../errors";
import { totalTokens } from "./usage";

export interface CostLimits {
  /** Most tool rounds in one turn; 0: no limit. */
  maxToolRounds: number;
  /** Most tokens one turn may use; 0: no limit. */
  maxTurnTokens: number;
  /** Most tokens the account may use in one (local) calendar day; 0: no limit. */
  maxDailyTokens: number;
}

export const NO_LIMITS: CostLimits = { maxToolRounds: 0, maxTurnTokens: 0, maxDailyTokens: 0 };

/** What the account used on one day; kept in context so a redeploy does not reset it. */
export interface DailyUsage {
  day: string;
  tokens: number;
}

function dayOf(time: number): string {
  const d = new Date(time);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** What one turn has used so far. */
export class TurnBudget {
  tokens = 0;
  toolRounds = 0;

  constructor(private readonly limits: CostLimits) {}

  /** Counts a tool round; throws when the account allows no more in this turn. */
  startToolRound(): void {
    const max = this.limits.maxToolRounds;
    if (max > 0 && this.toolRounds >= max) throw new ClaudeError("errors.limit-tool-rounds", { max }, "cost_limit");
    this.toolRounds++;
  }
}

/** What a request admitted under the daily limit may still use; given back when it ends. */
export interface Admission {
  /** The tokens set aside for it: its max_tokens and its estimated input. */
  readonly reserved: number;
  /** Ends the request's reservation (after its usage was recorded); a second call does nothing. */
  release(): void;
}

export class CostGuard {
  private usage: DailyUsage;
  /** Tokens the requests in flight may still use, and how many there are. */
  private reserved = 0;
  private running = 0;
  /** Requests waiting for room under the daily limit, woken when a request in flight ends. */
  private waiting = new Set<() => void>();
  /** Reading the count kept from before a restart; no request starts before it is in. */
  private restoring: Promise<void> = Promise.resolve();
  /** Called after each change of today's usage, to keep it; a returned promise is waited for. */
  onChange?: (usage: DailyUsage) => Promise<void> | void;

  constructor(readonly limits: CostLimits = NO_LIMITS, private readonly now: () => number = Date.now) {
    this.usage = { day: dayOf(now()), tokens: 0 };
  }

  startTurn(): TurnBudget {
    return new TurnBudget(this.limits);
  }

  /** Today's usage (a new day starts at zero). */
  get today(): DailyUsage {
    return { ...this.current() };
  }

  private current(): DailyUsage {
    const day = dayOf(this.now());
    if (this.usage.day !== day) this.usage = { day, tokens: 0 };
    return this.usage;
  }

  /** Adds the usage `saved` resolves with (see restore); requests wait for it. A failed read adds nothing. */
  restoreFrom(saved: Promise<unknown>): void {
    this.restoring = saved.then(
      (value) => this.restore(value),
      () => undefined,
    );
  }

  /** Adds usage kept from before a restart or redeploy, if it is from today. */
  restore(saved: unknown): void {
    const s = saved as DailyUsage | undefined;
    if (!s || typeof s !== "object" || typeof s.tokens !== "number" || !Number.isFinite(s.tokens) || s.tokens < 0) return;
    const usage = this.current();
    if (s.day === usage.day) usage.tokens += s.tokens;
  }

  /** Throws (so no request is sent) when the turn or the day is already over its limit. */
  beforeRequest(turn?: TurnBudget): void {
    const { maxTurnTokens, maxDailyTokens } = this.limits;
    if (turn && maxTurnTokens > 0 && turn.tokens >= maxTurnTokens) {
      throw new ClaudeError("errors.limit-turn-tokens", { used: turn.tokens, max: maxTurnTokens }, "cost_limit");
    }
    const used = this.current().tokens;
    if (maxDailyTokens > 0 && used >= maxDailyTokens) {
      throw new ClaudeError("errors.limit-daily-tokens", { used, max: maxDailyTokens }, "cost_limit");
    }
  }

  /**
   * Lets a request start once the tokens counted today plus what the requests in flight may still use
   * plus what this one may use (`estimate`) stay within the daily limit. Until then it waits for
   * requests in flight to end; once the day is spent it fails with `cost_limit`. A request with none
   * in flight starts whenever the day is not yet spent, so the day ends at most one request over.
   */
  async admit(estimate: number, turn?: TurnBudget, signal?: AbortSignal): Promise<Admission> {
    const tokens = Math.max(0, Math.ceil(estimate));
    await this.restoring;
    for (;;) {
      this.beforeRequest(turn);
      if (this.fits(tokens)) break;
      await this.nextRelease(signal);
    }
    this.running++;
    this.reserved += tokens;
    let released = false;
    return {
      reserved: tokens,
      release: () => {
        if (released) return;
        released = true;
        this.running--;
        this.reserved -= tokens;
        const woken = [...this.waiting];
        this.waiting.clear();
        for (const wake of woken) wake();
      },
    };
  }

  private fits(tokens: number): boolean {
    const max = this.limits.maxDailyTokens;
    return max <= 0 || this.running === 0 || this.current().tokens + this.reserved + tokens <= max;
  }

  private nextRelease(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new ClaudeError("errors.aborted", {}, "aborted"));
      const onAbort = () => {
        this.waiting.delete(wake);
        reject(new ClaudeError("errors.aborted", {}, "aborted"));
      };
      const wake = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.add(wake);
    });
  }

  /** Counts what a request used (also a failed one, as far as it is known); resolves once it is kept. */
  async record(usage: Parameters<typeof totalTokens>[0], turn?: TurnBudget): Promise<void> {
    const tokens = totalTokens(usage);
    if (!tokens) return;
    if (turn) turn.tokens += tokens;
    const today = this.current();
    today.tokens += tokens;
    await this.onChange?.({ ...today });
  }
}
