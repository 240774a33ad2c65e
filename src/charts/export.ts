/**
 * Chart export: standalone SVG files and PNG images.
 *
 * Chart SVGs style themselves through CSS classes and `var(--…)` colours, which a downloaded file
 * would lose. `standaloneSvgString` therefore clones the SVG and copies the *computed* value of a
 * fixed list of presentation properties onto every element as an inline style, so the file looks
 * the same outside the app (in the current light/dark theme) and has an opaque background.
 */

/** Presentation properties copied from computed style onto each exported element. */
export const EXPORT_STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'paint-order',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'font-variant-numeric',
  'text-anchor',
  'dominant-baseline',
  'visibility',
  'display',
] as const;

/** A file name safe for downloads, with the extension ensured: ("Roofline — H100", "svg") → "roofline-h100.svg". */
export function safeFilename(name: string, ext: 'svg' | 'png'): string {
  const base = name
    .replace(/\.(svg|png)$/i, '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${base || 'chart'}.${ext}`;
}

/** Serialise property/value pairs as an inline style string, skipping empty values. */
export function styleString(entries: Iterable<readonly [string, string]>): string {
  const parts: string[] = [];
  for (const [k, v] of entries) {
    const t = v.trim();
    if (t) parts.push(`${k}:${t.replace(/"/g, "'")}`);
  }
  return parts.join(';');
}

const NOT_INHERITED = new Set(['opacity', 'display']);

/**
 * Whether an inlined property is needed: inherited properties equal to the parent's computed value
 * are dropped (keeps files small); non-inherited ones are dropped at their initial value.
 */
export function keepStyle(prop: string, value: string, parentValue: string | undefined): boolean {
  if (!value.trim()) return false;
  if (NOT_INHERITED.has(prop)) return !(prop === 'opacity' ? value === '1' : value !== 'none');
  return parentValue === undefined || parentValue !== value;
}

export interface ExportOptions {
  /** Title drawn above the chart in the exported file. */
  title?: string;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const TITLE_H = 28;

/** Clone `svgEl` into a self-contained SVG document string (computed styles inlined). Browser only. */
export function standaloneSvgString(svgEl: SVGSVGElement, opts: ExportOptions = {}): string {
  const clone = svgEl.cloneNode(true) as SVGSVGElement;
  const src = [svgEl, ...Array.from(svgEl.querySelectorAll('*'))];
  const dst = [clone, ...Array.from(clone.querySelectorAll('*'))];
  const computed = new Map<Element, CSSStyleDeclaration>();
  src.forEach((el, i) => {
    const target = dst[i];
    if (!target) return;
    const cs = getComputedStyle(el);
    computed.set(el, cs);
    const parent = el === svgEl ? undefined : el.parentElement ? computed.get(el.parentElement) : undefined;
    const entries = EXPORT_STYLE_PROPS.map((p) => [p, cs.getPropertyValue(p)] as const).filter(([p, v]) =>
      keepStyle(p, v, parent?.getPropertyValue(p)),
    );
    const style = styleString(entries);
    if (style) target.setAttribute('style', style);
    else target.removeAttribute('style');
    target.removeAttribute('class');
    target.removeAttribute('tabindex');
  });
  for (const el of Array.from(clone.querySelectorAll('[data-export="omit"]'))) el.remove();

  const rect = svgEl.getBoundingClientRect();
  const width = Number(svgEl.getAttribute('width')) || Math.ceil(rect.width);
  const height0 = Number(svgEl.getAttribute('height')) || Math.ceil(rect.height);
  const rootStyle = getComputedStyle(svgEl);
  const bg = rootStyle.getPropertyValue('--chart-bg').trim() || '#ffffff';
  const fg = rootStyle.getPropertyValue('--chart-fg').trim() || '#1f2328';
  const font = rootStyle.getPropertyValue('font-family');
  const titleH = opts.title ? TITLE_H : 0;
  const height = height0 + titleH;

  const body = document.createElementNS(SVG_NS, 'g');
  body.setAttribute('transform', `translate(0,${titleH})`);
  while (clone.firstChild) body.appendChild(clone.firstChild);
  const bgRect = document.createElementNS(SVG_NS, 'rect');
  bgRect.setAttribute('width', String(width));
  bgRect.setAttribute('height', String(height));
  bgRect.setAttribute('fill', bg);
  clone.appendChild(bgRect);
  if (opts.title) {
    const t = document.createElementNS(SVG_NS, 'text');
    t.setAttribute('x', '8');
    t.setAttribute('y', '19');
    t.setAttribute(
      'style',
      styleString([
        ['fill', fg],
        ['font-family', font],
        ['font-size', '14px'],
        ['font-weight', '600'],
      ]),
    );
    t.textContent = opts.title;
    clone.appendChild(t);
  }
  clone.appendChild(body);
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  return new XMLSerializer().serializeToString(clone);
}

/** Save a blob as a file through a temporary object URL (no server round trip). */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 2000);
}

/** Download `svgEl` as a standalone .svg file. */
export function exportSvg(svgEl: SVGSVGElement, filename: string, opts: ExportOptions = {}): void {
  const text = standaloneSvgString(svgEl, opts);
  downloadBlob(new Blob([text], { type: 'image/svg+xml;charset=utf-8' }), safeFilename(filename, 'svg'));
}

function canvasToBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'),
  );
}

/** Rasterise an SVG chart at `scale`× into a canvas (browser only). */
export async function svgToCanvas(
  svgEl: SVGSVGElement,
  scale = 2,
  opts: ExportOptions = {},
): Promise<HTMLCanvasElement> {
  const text = standaloneSvgString(svgEl, opts);
  const w = Number(/\swidth="([\d.]+)"/.exec(text)?.[1] ?? 0) || svgEl.getBoundingClientRect().width;
  const h = Number(/\sheight="([\d.]+)"/.exec(text)?.[1] ?? 0) || svgEl.getBoundingClientRect().height;
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(w * scale);
  canvas.height = Math.ceil(h * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas unavailable');
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.drawImage(img, 0, 0, w, h);
  return canvas;
}

/**
 * Download a PNG of an SVG chart (rasterised at `scale`×) or of a canvas. A canvas is exported at
 * its backing-store resolution (already device-pixel sized), so `scale` applies to SVGs only.
 */
export async function exportPng(
  el: SVGSVGElement | HTMLCanvasElement,
  filename: string,
  scale = 2,
  opts: ExportOptions = {},
): Promise<void> {
  let canvas: HTMLCanvasElement;
  if (el instanceof HTMLCanvasElement) {
    canvas = el;
  } else {
    canvas = await svgToCanvas(el, scale, opts);
  }
  downloadBlob(await canvasToBlob(canvas), safeFilename(filename, 'png'));
}
