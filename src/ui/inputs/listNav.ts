/**
 * Keyboard movement in a listbox driven from a text field (the WAI-ARIA combobox pattern): ArrowDown
 * and ArrowUp move the active option (wrapping), Home and End jump to the ends, anything else leaves
 * it. -1 means no active option; the first ArrowDown activates the first option, ArrowUp the last.
 */
export function nextActiveIndex(active: number, key: string, length: number): number | null {
  if (length <= 0) return null;
  const cur = active >= 0 && active < length ? active : -1;
  switch (key) {
    case 'ArrowDown':
      return cur < 0 ? 0 : (cur + 1) % length;
    case 'ArrowUp':
      return cur < 0 ? length - 1 : (cur - 1 + length) % length;
    case 'Home':
      return 0;
    case 'End':
      return length - 1;
    default:
      return null;
  }
}
