import { useEffect, useRef, useState } from 'react';
import type { RefObject } from 'react';

/**
 * Width of an element in CSS px, tracked with a ResizeObserver. `fixed` wins when given; `fallback`
 * is used for server rendering and the first client render.
 */
export function useElementWidth<T extends HTMLElement>(
  fixed?: number,
  fallback = 640,
  min = 280,
): [RefObject<T | null>, number] {
  const ref = useRef<T | null>(null);
  const [measured, setMeasured] = useState<number | null>(null);
  useEffect(() => {
    if (fixed !== undefined) return;
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w && w > 0) setMeasured(Math.floor(w));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [fixed]);
  const w = fixed ?? measured ?? fallback;
  return [ref, Math.max(min, w)];
}
