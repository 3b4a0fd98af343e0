/** Small helpers for hand-written SVG that VitePress inlines into a page (a Vue template). */

export function esc(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\{\{/g, '{&#8203;{');
}

/** A number for an SVG attribute: short, and never NaN or Infinity (those are bugs). */
export function n(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`chart coordinate is not finite: ${value}`);
  return String(Math.round(value * 10) / 10);
}

export function pct(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** Shortens a label to `max` characters with an ellipsis. */
export function clip(label: string, max: number): string {
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}

/**
 * The outer element. Colours come from classes styled by the theme (.vitepress/theme/charts.css)
 * with VitePress's CSS variables and `currentColor`, so the chart follows light and dark themes.
 */
export function svgRoot(options: {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly title: string;
  readonly description: string;
  readonly body: readonly string[];
}): string {
  const { id, width, height } = options;
  return [
    `<svg class="vp-chart" id="${esc(id)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n(width)} ${n(height)}" width="${n(width)}" height="${n(height)}" role="img" aria-labelledby="${esc(id)}-title ${esc(id)}-desc">`,
    `<title id="${esc(id)}-title">${esc(options.title)}</title>`,
    `<desc id="${esc(id)}-desc">${esc(options.description)}</desc>`,
    ...options.body,
    '</svg>',
  ].join('\n');
}
