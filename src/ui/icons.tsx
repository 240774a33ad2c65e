/** Inline SVG icons (stroke, 16×16 grid). Decorative unless given a title. */
import type { ReactNode } from 'react';

function Icon({ children, className = 'icon', title }: { children: ReactNode; className?: string; title?: string }) {
  return (
    <svg
      className={className}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden={title ? undefined : true}
      role={title ? 'img' : undefined}
    >
      {title && <title>{title}</title>}
      {children}
    </svg>
  );
}

type P = { className?: string; title?: string };

export const IconSun = (p: P) => (
  <Icon {...p}>
    <circle cx="8" cy="8" r="3" />
    <path d="M8 1.5v1.5M8 13v1.5M1.5 8H3M13 8h1.5M3.4 3.4l1 1M11.6 11.6l1 1M3.4 12.6l1-1M11.6 4.4l1-1" />
  </Icon>
);
export const IconMoon = (p: P) => (
  <Icon {...p}>
    <path d="M13.5 9.5A5.5 5.5 0 0 1 6.5 2.5a5.5 5.5 0 1 0 7 7z" />
  </Icon>
);
export const IconLink = (p: P) => (
  <Icon {...p}>
    <path d="M6.5 9.5l3-3M7 4.5l1-1a2.8 2.8 0 0 1 4 4l-1 1M9 11.5l-1 1a2.8 2.8 0 0 1-4-4l1-1" />
  </Icon>
);
export const IconBookmark = (p: P) => (
  <Icon {...p}>
    <path d="M4 2.5h8v11l-4-2.6-4 2.6z" />
  </Icon>
);
export const IconPlay = (p: P) => (
  <Icon {...p}>
    <path d="M5 3.2v9.6L12.5 8z" fill="currentColor" />
  </Icon>
);
export const IconStop = (p: P) => (
  <Icon {...p}>
    <rect x="4" y="4" width="8" height="8" rx="1" fill="currentColor" />
  </Icon>
);
export const IconDownload = (p: P) => (
  <Icon {...p}>
    <path d="M8 2.5v8M4.5 7l3.5 3.5L11.5 7M3 13.5h10" />
  </Icon>
);
export const IconUpload = (p: P) => (
  <Icon {...p}>
    <path d="M8 10.5v-8M4.5 6L8 2.5 11.5 6M3 13.5h10" />
  </Icon>
);
export const IconChevron = (p: P) => (
  <Icon className={p.className ?? 'chev'} title={p.title}>
    <path d="M6 3.5L10.5 8 6 12.5" />
  </Icon>
);
export const IconX = (p: P) => (
  <Icon {...p}>
    <path d="M4 4l8 8M12 4l-8 8" />
  </Icon>
);
export const IconAlert = (p: P) => (
  <Icon {...p}>
    <path d="M8 2l6.5 11.5h-13z" />
    <path d="M8 6.5v3M8 11.6v.1" />
  </Icon>
);
export const IconInfo = (p: P) => (
  <Icon {...p}>
    <circle cx="8" cy="8" r="6.3" />
    <path d="M8 7.3v4M8 4.8v.1" />
  </Icon>
);
export const IconCheck = (p: P) => (
  <Icon {...p}>
    <path d="M3 8.5l3 3 7-7" />
  </Icon>
);
export const IconCopy = (p: P) => (
  <Icon {...p}>
    <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
    <path d="M10.5 5.5V3.5a1 1 0 0 0-1-1h-6a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h2" />
  </Icon>
);
export const IconSort = ({ dir }: { dir: 'asc' | 'desc' | null }) => (
  <svg className="sort" viewBox="0 0 10 10" aria-hidden="true">
    <path d="M5 1.5L8 4.5H2z" fill="currentColor" opacity={dir === 'asc' ? 1 : 0.3} />
    <path d="M5 8.5L2 5.5h6z" fill="currentColor" opacity={dir === 'desc' ? 1 : 0.3} />
  </svg>
);

/** The ParaKV mark: a 2×2 GPU grid with a KV stripe. */
export const BrandMark = () => (
  <svg className="brand__mark" viewBox="0 0 24 24" aria-hidden="true">
    <rect x="1.5" y="1.5" width="21" height="21" rx="5" fill="#2f5bd3" />
    <rect x="5" y="5" width="6" height="6" rx="1.2" fill="#fff" />
    <rect x="13" y="5" width="6" height="6" rx="1.2" fill="#fff" opacity="0.85" />
    <rect x="5" y="13" width="6" height="6" rx="1.2" fill="#fff" opacity="0.85" />
    <rect x="13" y="13" width="6" height="6" rx="1.2" fill="#f5c343" />
  </svg>
);
