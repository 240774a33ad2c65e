/**
 * A canvas-2D look-alike that records what the Gantt painter draws as SVG, so the same drawing code
 * (draw.ts drawGantt and the export header in GanttCanvas) yields both the PNG and an SVG export.
 * Covers exactly the calls the Gantt uses: rectangles (fill, stroke, clear), text with align and
 * baseline, straight line paths, rectangular clips, save/restore and translate/setTransform
 * (translation and uniform scale only). Text width comes from the caller's measure function (a
 * real canvas in the browser), so truncation matches the PNG.
 */

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/\.?0+$/, ''));

/** A canvas font string ("600 14px Inter, sans-serif") as SVG presentation attributes. */
export function fontAttrs(font: string): string {
  const m = /^\s*(?:(normal|bold|[1-9]00)\s+)?(\d+(?:\.\d+)?)px\s+(.+)$/.exec(font);
  if (!m) return '';
  const weight = m[1] && m[1] !== 'normal' ? ` font-weight="${m[1]}"` : '';
  return ` font-size="${m[2]}" font-family="${esc(m[3]!.trim())}"${weight}`;
}

interface State {
  fillStyle: string;
  strokeStyle: string;
  lineWidth: number;
  font: string;
  textAlign: CanvasTextAlign;
  textBaseline: CanvasTextBaseline;
  tx: number;
  ty: number;
  scale: number;
  /** Open <g clip-path> groups this save level added. */
  opened: number;
}

const ANCHOR: Partial<Record<CanvasTextAlign, string>> = { center: 'middle', right: 'end', end: 'end' };
const BASELINE: Partial<Record<CanvasTextBaseline, string>> = {
  middle: 'central',
  top: 'hanging',
  hanging: 'hanging',
  bottom: 'text-after-edge',
  ideographic: 'ideographic',
};

export class SvgCtx {
  private parts: string[] = [];
  private defs: string[] = [];
  private stack: State[] = [];
  private s: State = {
    fillStyle: '#000',
    strokeStyle: '#000',
    lineWidth: 1,
    font: '10px sans-serif',
    textAlign: 'start',
    textBaseline: 'alphabetic',
    tx: 0,
    ty: 0,
    scale: 1,
    opened: 0,
  };
  private path: string[] = [];
  private clipRects: [number, number, number, number][] = [];
  private clipId = 0;

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly measure: (text: string, font: string) => number = (t, f) =>
      t.length * (Number(/(\d+(?:\.\d+)?)px/.exec(f)?.[1] ?? 10) * 0.55),
  ) {}

  get fillStyle(): string {
    return this.s.fillStyle;
  }
  set fillStyle(v: string | CanvasGradient | CanvasPattern) {
    if (typeof v === 'string') this.s.fillStyle = v;
  }
  get strokeStyle(): string {
    return this.s.strokeStyle;
  }
  set strokeStyle(v: string | CanvasGradient | CanvasPattern) {
    if (typeof v === 'string') this.s.strokeStyle = v;
  }
  get lineWidth(): number {
    return this.s.lineWidth;
  }
  set lineWidth(v: number) {
    this.s.lineWidth = v;
  }
  get font(): string {
    return this.s.font;
  }
  set font(v: string) {
    this.s.font = v;
  }
  get textAlign(): CanvasTextAlign {
    return this.s.textAlign;
  }
  set textAlign(v: CanvasTextAlign) {
    this.s.textAlign = v;
  }
  get textBaseline(): CanvasTextBaseline {
    return this.s.textBaseline;
  }
  set textBaseline(v: CanvasTextBaseline) {
    this.s.textBaseline = v;
  }

  private X = (x: number) => num(this.s.tx + x * this.s.scale);
  private Y = (y: number) => num(this.s.ty + y * this.s.scale);
  private L = (l: number) => num(l * this.s.scale);

  setTransform(a: number, _b: number, _c: number, d: number, e: number, f: number): void {
    this.s.scale = a === d ? a : 1;
    this.s.tx = e;
    this.s.ty = f;
  }
  translate(x: number, y: number): void {
    this.s.tx += x * this.s.scale;
    this.s.ty += y * this.s.scale;
  }
  save(): void {
    this.stack.push({ ...this.s });
    this.s.opened = 0;
  }
  restore(): void {
    for (let i = 0; i < this.s.opened; i++) this.parts.push('</g>');
    const prev = this.stack.pop();
    if (prev) this.s = prev;
  }
  beginPath(): void {
    this.path = [];
    this.clipRects = [];
  }
  rect(x: number, y: number, w: number, h: number): void {
    this.clipRects.push([x, y, w, h]);
    this.path.push(`M${this.X(x)} ${this.Y(y)}h${this.L(w)}v${this.L(h)}h${this.L(-w)}Z`);
  }
  moveTo(x: number, y: number): void {
    this.path.push(`M${this.X(x)} ${this.Y(y)}`);
  }
  lineTo(x: number, y: number): void {
    this.path.push(`L${this.X(x)} ${this.Y(y)}`);
  }
  clip(): void {
    const id = `gc${++this.clipId}`;
    this.defs.push(`<clipPath id="${id}"><path d="${this.path.join('')}"/></clipPath>`);
    this.parts.push(`<g clip-path="url(#${id})">`);
    this.s.opened++;
  }
  stroke(): void {
    this.parts.push(
      `<path d="${this.path.join('')}" fill="none" stroke="${esc(this.s.strokeStyle)}" stroke-width="${this.L(this.s.lineWidth)}"/>`,
    );
  }
  fillRect(x: number, y: number, w: number, h: number): void {
    this.parts.push(
      `<rect x="${this.X(x)}" y="${this.Y(y)}" width="${this.L(w)}" height="${this.L(h)}" fill="${esc(this.s.fillStyle)}"/>`,
    );
  }
  clearRect(x: number, y: number, w: number, h: number): void {
    this.parts.push(`<rect x="${this.X(x)}" y="${this.Y(y)}" width="${this.L(w)}" height="${this.L(h)}" fill="#fff"/>`);
  }
  strokeRect(x: number, y: number, w: number, h: number): void {
    this.parts.push(
      `<rect x="${this.X(x)}" y="${this.Y(y)}" width="${this.L(w)}" height="${this.L(h)}" fill="none" stroke="${esc(this.s.strokeStyle)}" stroke-width="${this.L(this.s.lineWidth)}"/>`,
    );
  }
  fillText(text: string, x: number, y: number): void {
    const anchor = ANCHOR[this.s.textAlign];
    const base = BASELINE[this.s.textBaseline];
    this.parts.push(
      `<text x="${this.X(x)}" y="${this.Y(y)}" fill="${esc(this.s.fillStyle)}"${fontAttrs(this.s.font)}` +
        `${anchor ? ` text-anchor="${anchor}"` : ''}${base ? ` dominant-baseline="${base}"` : ''}>${esc(text)}</text>`,
    );
  }
  measureText(text: string): TextMetrics {
    return { width: this.measure(text, this.s.font) } as TextMetrics;
  }

  /** The standalone SVG document. */
  toString(title?: string): string {
    while (this.stack.length) this.restore();
    for (let i = 0; i < this.s.opened; i++) this.parts.push('</g>');
    this.s.opened = 0;
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" width="${num(this.width)}" height="${num(this.height)}" viewBox="0 0 ${num(this.width)} ${num(this.height)}">` +
      (title ? `<title>${esc(title)}</title>` : '') +
      (this.defs.length ? `<defs>${this.defs.join('')}</defs>` : '') +
      this.parts.join('') +
      '</svg>'
    );
  }
}
