export declare const ROOT: string;
export interface WebBuildStatus {
  buildable: boolean;
  stale: boolean;
  reason: string;
}
export declare function webBuildStatus(root?: string): WebBuildStatus;
export declare function ensureWebBuild(opts?: {
  root?: string;
  log?: (message: string) => void;
  stdio?: 'inherit' | 'stderr' | 'ignore';
}): Promise<{ built: boolean; ms: number; reason: string }>;
