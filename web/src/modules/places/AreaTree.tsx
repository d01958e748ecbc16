import { useEffect, useRef } from 'react';
import { ActionIcon, Box, Group, Loader, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useAreas, type Area } from './api';
import { displayName } from './names';
import { ErrorState } from '../../shell/states';
import { useFormat } from '../../lib/format';

interface TreeProps {
  op: string;
  selected: string | null;
  expanded: ReadonlySet<string>;
  onToggle: (pcode: string) => void;
  onSelect: (pcode: string) => void;
}

function Children({ parent, depth, ...props }: TreeProps & { parent: string | null; depth: number }) {
  const { t } = useTranslation();
  const q = useAreas(parent ? { operation: props.op, parent, limit: 1000 } : { operation: props.op, level: 1, limit: 1000 });
  if (q.isPending)
    return (
      <Group gap="xs" ps={depth * 16 + 8} py={4} role="status">
        <Loader size="xs" />
        <Text size="sm" c="dimmed">
          {t('common.loading')}
        </Text>
      </Group>
    );
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (q.data.items.length === 0)
    return (
      <Text size="sm" c="dimmed" ps={depth * 16 + 8} py={4}>
        {t('places.noChildren')}
      </Text>
    );
  return (
    <ul role="group" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {q.data.items.map((a) => (
        <Node key={a.pcode} area={a} depth={depth} {...props} />
      ))}
    </ul>
  );
}

function Node({ area, depth, ...props }: TreeProps & { area: Area; depth: number }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const open = props.expanded.has(area.pcode);
  const isSelected = props.selected === area.pcode;
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (isSelected) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [isSelected]);
  const hasChildren = area.childCount > 0;
  return (
    <li role="treeitem" aria-expanded={hasChildren ? open : undefined} aria-selected={isSelected}>
      <Group gap={2} wrap="nowrap" ps={depth * 16}>
        {hasChildren ? (
          <ActionIcon
            variant="subtle"
            color="gray"
            size="sm"
            onClick={() => props.onToggle(area.pcode)}
            aria-label={open ? t('places.collapse') : t('places.expand')}
            aria-expanded={open}
          >
            <span style={{ display: 'inline-block', transform: open ? 'rotate(90deg)' : 'var(--hamrah-chevron, none)', transition: 'transform 120ms' }}>
              ▸
            </span>
          </ActionIcon>
        ) : (
          <Box w={22} />
        )}
        <UnstyledButton
          ref={ref}
          className="hamrah-tree-row"
          onClick={() => props.onSelect(area.pcode)}
          onDoubleClick={() => hasChildren && props.onToggle(area.pcode)}
          onKeyDown={(e) => {
            if (!hasChildren) return;
            const forward = document.documentElement.dir === 'rtl' ? 'ArrowLeft' : 'ArrowRight';
            const back = forward === 'ArrowLeft' ? 'ArrowRight' : 'ArrowLeft';
            if ((e.key === forward && !open) || (e.key === back && open)) {
              e.preventDefault();
              props.onToggle(area.pcode);
            }
          }}
          px={6}
          py={3}
          style={{
            flex: 1,
            borderRadius: 'var(--mantine-radius-sm)',
            background: isSelected ? 'var(--mantine-color-teal-light)' : undefined,
            fontWeight: isSelected ? 600 : undefined,
          }}
          data-testid={`area-${area.pcode}`}
        >
          <Group gap={6} wrap="nowrap" justify="space-between">
            <Text size="sm" truncate>
              {displayName(area, i18n.language)}
            </Text>
            <Text size="xs" c="dimmed" ff="monospace" dir="ltr" style={{ flexShrink: 0 }}>
              {area.pcode}
              {hasChildren ? ` · ${f.number(area.childCount)}` : ''}
            </Text>
          </Group>
        </UnstyledButton>
      </Group>
      {open && hasChildren && <Children parent={area.pcode} depth={depth + 1} {...props} />}
    </li>
  );
}

/** Admin areas as a tree; children load when a node opens. */
export function AreaTree(props: TreeProps) {
  const { t } = useTranslation();
  return (
    <div role="tree" aria-label={t('places.tree')}>
      <Children parent={null} depth={0} {...props} />
    </div>
  );
}
