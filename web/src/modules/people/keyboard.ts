/**
 * Keyboard moves of the registration grid. Every field that takes part carries
 * `data-nav` (and in member rows `data-row` / `data-col`), so moving is a DOM query, not a map of refs.
 *
 * - Enter / Shift+Enter: next / previous field (like Tab, but one hand stays on the numbers)
 * - Ctrl+Enter: new member row under this one
 * - Alt+↑ / Alt+↓: same field in the row above / below
 * - Alt+Shift+↑ / Alt+Shift+↓: move this member row up / down
 * - Ctrl+Delete: remove this member row
 * - Alt+Enter: open or close this row's details (documents, vulnerabilities, phone)
 * - Ctrl+S: save
 */

export type GridCommand =
  | { kind: 'next' }
  | { kind: 'previous' }
  | { kind: 'addRow' }
  | { kind: 'rowAbove' }
  | { kind: 'rowBelow' }
  | { kind: 'moveUp' }
  | { kind: 'moveDown' }
  | { kind: 'removeRow' }
  | { kind: 'toggleDetails' }
  | { kind: 'save' };

interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** The grid command a key press means, or null to let the browser handle it. */
export function commandFor(e: KeyLike): GridCommand | null {
  const ctrl = e.ctrlKey || e.metaKey;
  if (ctrl && !e.altKey && (e.key === 's' || e.key === 'S')) return { kind: 'save' };
  if (e.key === 'Enter') {
    if (ctrl) return { kind: 'addRow' };
    if (e.altKey) return { kind: 'toggleDetails' };
    return e.shiftKey ? { kind: 'previous' } : { kind: 'next' };
  }
  if (e.altKey && !ctrl && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
    if (e.shiftKey) return e.key === 'ArrowUp' ? { kind: 'moveUp' } : { kind: 'moveDown' };
    return e.key === 'ArrowUp' ? { kind: 'rowAbove' } : { kind: 'rowBelow' };
  }
  if (ctrl && e.key === 'Delete') return { kind: 'removeRow' };
  return null;
}

/** Fields of the form in document order that Enter moves between. */
export function navigableFields(root: ParentNode): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>('[data-nav]')).filter(
    (el) => !(el as HTMLInputElement).disabled && el.offsetParent !== null,
  );
}

export function focusField(el: HTMLElement | null | undefined): boolean {
  if (!el) return false;
  el.focus();
  if (el instanceof HTMLInputElement && el.type === 'text') el.select();
  return true;
}

/** Focuses the field `from` steps away from `current`; false at either end. */
export function focusStep(root: ParentNode, current: Element, step: 1 | -1): boolean {
  const fields = navigableFields(root);
  const i = fields.indexOf(current as HTMLElement);
  if (i < 0) return false;
  return focusField(fields[i + step]);
}

export function focusCell(root: ParentNode, row: number, col: string): boolean {
  return focusField(root.querySelector<HTMLElement>(`[data-row="${row}"][data-col="${col}"]`));
}

/** True when Enter should be left alone: an open combobox list, a button, a textarea. */
export function enterBelongsToTarget(target: HTMLElement): boolean {
  if (target.tagName === 'TEXTAREA' || target.tagName === 'BUTTON' || target.tagName === 'A') return true;
  if (target.getAttribute('aria-expanded') === 'true') return true;
  return false;
}
