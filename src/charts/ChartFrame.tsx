/**
 * Common chart chrome: a <figure> with the title, PNG/SVG export buttons and the plot body. Every
 * chart renders through it, so every chart exports. The body is `position: relative` so tooltips
 * can be positioned in the chart's own px space.
 */
import { useCallback, useRef } from 'react';
import type { ReactNode, RefObject } from 'react';
import { exportPng, exportSvg } from './export';
import './theme.css';

export type ExportTarget = SVGSVGElement | HTMLCanvasElement;

export interface ChartFrameProps {
  title: string;
  children: ReactNode;
  /** File name stem for downloads (defaults to the title). */
  exportName?: string;
  /** Formats offered; default both. */
  formats?: readonly ('png' | 'svg')[];
  /** Element to export; default: the body's `[data-export-root]` element. */
  getExportElement?: (format: 'png' | 'svg') => ExportTarget | null | Promise<ExportTarget | null>;
  /** Ref attached to the body div (charts measure their width from it). */
  bodyRef?: RefObject<HTMLDivElement | null>;
  caption?: ReactNode;
  className?: string;
  /** data-chart attribute, for tests and styling hooks. */
  kind?: string;
}

export function ChartFrame({
  title,
  children,
  exportName,
  formats = ['png', 'svg'],
  getExportElement,
  bodyRef,
  caption,
  className,
  kind,
}: ChartFrameProps) {
  const ownRef = useRef<HTMLDivElement | null>(null);
  const ref = bodyRef ?? ownRef;
  const name = exportName ?? title;

  const onExport = useCallback(
    async (format: 'png' | 'svg') => {
      const found = getExportElement
        ? await getExportElement(format)
        : (ref.current?.querySelector<SVGSVGElement | HTMLCanvasElement>('[data-export-root]') ?? null);
      if (!found) return;
      if (format === 'svg') {
        if (found instanceof SVGSVGElement) exportSvg(found, name, { title });
        return;
      }
      await exportPng(found, name, 2, { title });
    },
    [getExportElement, name, ref, title],
  );

  return (
    <figure className={className ? `pkv-chart ${className}` : 'pkv-chart'} data-chart={kind}>
      <div className="pkv-chart__header">
        <h3 className="pkv-chart__title">{title}</h3>
        <div className="pkv-chart__actions">
          {formats.includes('png') && (
            <button
              type="button"
              className="pkv-chart__btn"
              aria-label={`Download “${title}” as PNG`}
              title="Download PNG"
              onClick={() => void onExport('png')}
            >
              PNG
            </button>
          )}
          {formats.includes('svg') && (
            <button
              type="button"
              className="pkv-chart__btn"
              aria-label={`Download “${title}” as SVG`}
              title="Download SVG"
              onClick={() => void onExport('svg')}
            >
              SVG
            </button>
          )}
        </div>
      </div>
      <div className="pkv-chart__body" ref={ref}>
        {children}
      </div>
      {caption && <figcaption className="pkv-chart__caption">{caption}</figcaption>}
    </figure>
  );
}
