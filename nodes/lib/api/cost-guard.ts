// The cost guard of an account: limits on tool rounds per turn, tokens per turn and tokens per day.
// Checked before each request (an exceeded limit means no request is sent) and fed after each reply.
import { ClaudeError } from "../errors";
import { totalTokens } from "../conversation/turn";

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

export class CostGuard {
  private usage: DailyUsage;
  /** Called after each change of today's usage, to keep it. */
  onChange?: (usage: DailyUsage) => void;

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

  /** Counts what a request used (also a failed one, as far as it is known). */
  record(usage: Parameters<typeof totalTokens>[0], turn?: TurnBudget): void {
    const tokens = totalTokens(usage);
    if (!tokens) return;
    if (turn) turn.tokens += tokens;
    const today = this.current();
    today.tokens += tokens;
    this.onChange?.({ ...today });
  }
}
