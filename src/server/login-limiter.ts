/**
 * Counts failed logins per (address, username) and per address in a sliding window. In-memory:
 * one server process; a cluster would move this to the database.
 */
export class LoginLimiter {
  private failures = new Map<string, number[]>();
  constructor(
    private readonly perAccount = 5,
    private readonly perAddress = 30,
    private readonly windowMs = 15 * 60_000,
  ) {}

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Seconds to wait before another attempt is allowed, or 0. */
  retryAfter(ip: string, username: string, now = Date.now()): number {
    const keys: [string, number][] = [[`a:${ip}|${username.toLowerCase()}`, this.perAccount], [`i:${ip}`, this.perAddress]];
    let wait = 0;
    for (const [key, max] of keys) {
      const list = this.recent(key, now);
      if (list.length >= max) wait = Math.max(wait, Math.ceil((list[0] + this.windowMs - now) / 1000));
    }
    return wait;
  }

  fail(ip: string, username: string, now = Date.now()): void {
    for (const key of [`a:${ip}|${username.toLowerCase()}`, `i:${ip}`]) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.set(key, list);
    }
  }

  succeed(ip: string, username: string): void {
    this.failures.delete(`a:${ip}|${username.toLowerCase()}`);
  }
}
