// The report's stylesheet, inlined so report.html opens offline from a CI artefact. System
// fonts only; colours pass WCAG AA contrast for text; print-friendly.
export const STYLES = `
:root { --fg: #1d2125; --muted: #5f6b76; --line: #d9dee3; --bg: #ffffff; --panel: #f6f8fa;
  --pass: #0a7d3b; --pass-bg: #e3f4ea; --fail: #b3261e; --fail-bg: #fdecea; --warn: #8a5300; --warn-bg: #fff4de; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 1080px; margin: 0 auto; padding: 20px 24px 48px; }
header.top { display: flex; align-items: baseline; justify-content: space-between; gap: 16px; flex-wrap: wrap; }
header.top h1 { font-size: 22px; margin: 0; }
header.top .brand { color: var(--muted); font-size: 13px; }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 4px; }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
nav.toc { font-size: 13px; margin: 6px 0 0; }
nav.toc a { color: var(--muted); margin-right: 12px; text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
.verdict { display: flex; align-items: center; gap: 18px; margin: 14px 0 10px; padding: 14px 18px; border-radius: 8px; border-left: 8px solid; }
.verdict-word { font-size: 28px; font-weight: 800; letter-spacing: 0.04em; }
.verdict p { margin: 0; }
.verdict .reason { color: var(--muted); margin-top: 2px; }
.verdict-passed { background: var(--pass-bg); border-color: var(--pass); color: var(--pass); }
.verdict-failed, .verdict-aborted { background: var(--fail-bg); border-color: var(--fail); color: var(--fail); }
.verdict-incomplete { background: var(--warn-bg); border-color: var(--warn); color: var(--warn); }
.verdict .headline { color: var(--fg); font-weight: 600; }
.failed-list { margin: 4px 0 0; padding-left: 18px; color: var(--fg); }
.failed-list code { font-weight: 600; }
.replay { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; margin: 6px 0; overflow-x: auto; white-space: nowrap; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(112px, 1fr)); gap: 8px; margin: 10px 0; }
.fact { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.fact-value { font-size: 18px; font-weight: 700; }
.fact-label { font-size: 12px; color: var(--muted); }
.fact.bad .fact-value { color: var(--fail); }
.fact.good .fact-value { color: var(--pass); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.zero td { color: var(--muted); }
table.thresholds tr.bad td { background: var(--fail-bg); }
td.bad { color: var(--fail); font-weight: 600; }
table.info th { width: 170px; color: var(--muted); font-weight: 500; }
.badge { display: inline-block; min-width: 44px; text-align: center; font-weight: 700; font-size: 12px; border-radius: 4px; padding: 1px 6px; color: #fff; }
.badge.pass { background: var(--pass); }
.badge.fail { background: var(--fail); }
.tag { font-size: 11px; color: var(--warn); border: 1px solid currentColor; border-radius: 3px; padding: 0 4px; margin-left: 4px; }
.pill { display: inline-block; white-space: nowrap; font-size: 12px; border-radius: 10px; padding: 0 8px; background: var(--panel); border: 1px solid var(--line); }
.outcome-bricked { color: #fff; background: #7a1f00; border-color: #7a1f00; }
.outcome-failed { color: var(--fail); background: var(--fail-bg); border-color: var(--fail); }
.outcome-rolled-back { color: var(--warn); background: var(--warn-bg); border-color: var(--warn); }
.trail { font-size: 12.5px; }
.ev { white-space: nowrap; }
.state-done { color: var(--pass); font-weight: 600; }
.state-aborted, .state-paused { color: var(--fail); font-weight: 600; }
.good-note { color: var(--pass); }
.two-col { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
@media (max-width: 800px) {
  .two-col { grid-template-columns: 1fr; }
  main { padding: 12px; }
  .verdict { flex-wrap: wrap; gap: 6px 18px; }
  table { display: block; overflow-x: auto; }
}
.verdict-text { flex: 1 1 260px; min-width: 0; overflow-wrap: anywhere; }
details summary { cursor: pointer; color: var(--muted); font-size: 13px; }
.warnings { background: var(--warn-bg); border: 1px solid #e8c88a; border-radius: 6px; padding: 2px 16px 8px; }
.warnings h2 { border: 0; color: var(--warn); margin-top: 10px; }
.nodata { color: var(--muted); font-size: 13px; }
figure.chart { margin: 14px 0 22px; }
figure.chart figcaption h3 { margin: 0; }
figure.chart .sub { margin: 0; color: var(--muted); font-size: 12.5px; }
figure.chart svg { display: block; width: 100%; height: auto; overflow: visible; }
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 14px; padding: 0; margin: 4px 0 0; font-size: 12.5px; }
.swatch { display: inline-block; width: 14px; height: 4px; margin-right: 5px; vertical-align: middle; background: var(--c); border-radius: 1px; }
.swatch.dashed { background: repeating-linear-gradient(90deg, var(--c) 0 4px, transparent 4px 7px); }
.swatch.band { height: 10px; opacity: 0.35; }
.swatch.tickmark { height: 4px; width: 10px; }
.swatch.rule { width: 0; height: 12px; border-left: 2px dashed var(--c); background: none; }
.marker-item { color: var(--muted); }
.marker-item.first { border-left: 1px solid var(--line); padding-left: 12px; }
svg .grid { stroke: #e6e9ec; stroke-width: 1; }
svg .axis, svg .tick { stroke: #8a949e; stroke-width: 1; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: #4b5560; }
svg .ylab { text-anchor: end; }
svg .xlab { text-anchor: middle; }
svg .line { fill: none; stroke-width: 1.8; stroke-linejoin: round; stroke-linecap: round; }
svg .area { stroke: #fff; stroke-width: 0.4; stroke-opacity: 0.6; }
svg .band { opacity: 0.13; }
svg .band-edge { stroke-width: 1; stroke-opacity: 0.55; stroke-dasharray: 3 3; }
svg .rule { stroke-width: 1.2; stroke-dasharray: 4 3; }
svg .strip { opacity: 0.75; }
svg .mlab { font-weight: 600; }
svg .lane-bg { fill: #f4f6f8; }
svg .lane-label { fill: #1d2125; font-size: 11.5px; }
svg .lane-label.on-bar { fill: #fff; font-weight: 600; }
svg .lane-label.halo { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg .crosshair { stroke: #1d2125; stroke-width: 1; stroke-dasharray: 2 2; pointer-events: none; }
.tip { position: fixed; z-index: 10; pointer-events: none; background: rgba(29, 33, 37, 0.94); color: #fff; font-size: 12px; padding: 6px 8px; border-radius: 5px; max-width: 320px; }
.tip-time { font-weight: 700; margin-bottom: 2px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print { nav.toc, .tip { display: none; } figure.chart { break-inside: avoid; } }
`;
