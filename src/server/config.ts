import path from 'node:path';

/** Runtime configuration, read once from the environment. Names are part of Hamrah's contract. */
export interface Config {
  port: number;
  host: string;
  /** PGlite data folder, used when DATABASE_URL is not set. */
  dataDir: string;
  /** postgres://… when running on PostgreSQL. */
  databaseUrl?: string;
  /** Password given to demo users; demo users may only log in when the server runs in demo mode. */
  demoPassword: string;
  logLevel: string;
  /** Cookies carry the Secure flag when true (behind HTTPS). */
  secureCookies: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: path.resolve(env.HAMRAH_DATA_DIR ?? '.hamrah'),
    databaseUrl: env.DATABASE_URL || undefined,
    demoPassword: env.HAMRAH_DEMO_PASSWORD || 'hamrah-demo',
    logLevel: env.LOG_LEVEL ?? 'info',
    secureCookies: env.HAMRAH_SECURE_COOKIES === 'true',
  };
}
