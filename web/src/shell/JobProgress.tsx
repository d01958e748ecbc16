import { Progress, Stack, Text } from '@mantine/core';
import { useFormat } from '../lib/format';

interface Props {
  /** Rows or records done so far. */
  done: number;
  /** The whole amount when known; without it the bar is indeterminate. */
  total: number | null | undefined;
  /** What the job is doing now (its message, stage or "queued"). */
  label: string;
  testId?: string;
}

/** The progress of a background job (import, deduplication run, linkage export or match). */
export function JobProgress({ done, total, label, testId }: Props) {
  const f = useFormat();
  const known = total != null && total > 0;
  const pct = known ? Math.min(100, (100 * done) / total) : 100;
  return (
    <Stack gap={2} data-testid={testId}>
      <Progress value={pct} animated striped size="sm" />
      <Text size="xs" c="dimmed">
        {label} · {f.number(done)} / {known ? f.number(total) : '…'}
      </Text>
    </Stack>
  );
}
