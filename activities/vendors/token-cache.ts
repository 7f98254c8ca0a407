/** A session token as a vendor issued it, and when we stop using it (before it actually expires). */
export interface IssuedToken {
  value: string;
  renewAt: number;
}

/**
 * One adapter's session token (CRM.COM legacy, Capillary OAuth, ClearLine OAuth): issued once at
 * a time however many activities ask together, renewed before it expires, and dropped when the
 * vendor refuses it so the next call fetches a new one.
 */
export class TokenCache {
  private token: IssuedToken | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly issue: () => Promise<IssuedToken>,
    private readonly now: () => number = Date.now,
  ) {}

  current(): Promise<string> {
    if (this.token && this.now() < this.token.renewAt) return Promise.resolve(this.token.value);
    this.pending ??= this.issue()
      .then((token) => {
        this.token = token;
        return token.value;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  /**
   * Runs `call` with the current token. When the vendor refuses that token (`refused` tells its
   * answer apart), the token is dropped and `call` runs once more with a fresh one; a second
   * refusal is the vendor's answer, not a stale token.
   */
  async withToken<R>(call: (token: string) => Promise<R>, refused: (err: unknown) => boolean): Promise<R> {
    const token = await this.current();
    try {
      return await call(token);
    } catch (err) {
      if (!refused(err)) throw err;
      this.invalidate(token);
      return call(await this.current());
    }
  }

  /** The vendor refused `value`: forget it, unless a newer token has replaced it meanwhile. */
  private invalidate(value: string): void {
    if (this.token?.value === value) this.token = null;
  }
}
