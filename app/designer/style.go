package designer

// css is the designer's own look. Every rule is under a pd- class of the
// designer's panel or toolbar, never of an element that holds the preview,
// so none reaches the components; theirs are under .portico-root, which
// holds nothing of the designer's.
const css = `
.pd-app { display: grid; grid-template-columns: minmax(300px, 400px) minmax(0, 1fr); height: 100vh; background: #e9ecf2; }
.pd-panel, .pd-bar { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2430; }
.pd-panel *, .pd-bar * { box-sizing: border-box; }
.pd-panel { overflow-y: auto; background: #fff; border-right: 1px solid #d5dae3; padding: 18px 18px 40px; }
.pd-title { font-size: 19px; margin: 0 0 4px; }
.pd-intro { margin: 0 0 12px; color: #596275; }
.pd-actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.pd-button, .pd-preset, .pd-text, .pd-area { font: inherit; color: #1f2430; background: #fff; border: 1px solid #c3cad6;
  border-radius: 6px; }
.pd-button { font-weight: 600; padding: 6px 12px; cursor: pointer; text-decoration: none; display: inline-block; }
.pd-button:hover { background: #f1f3f7; }
.pd-actions .pd-button { padding: 5px 8px; font-size: 13px; }
.pd-panel :focus-visible, .pd-bar :focus-visible, .pd-seg input:focus-visible + span { outline: 2px solid #2557d6; outline-offset: 2px; }
.pd-status { min-height: 20px; margin: 8px 0 0; color: #2c6e3f; font-size: 13px; }
.pd-group { border: 1px solid #e1e5ec; border-radius: 8px; margin-top: 10px; }
.pd-group > summary { cursor: pointer; font-weight: 650; padding: 10px 12px; }
.pd-group-body { padding: 0 12px 14px; }
.pd-field { margin-top: 10px; }
.pd-label { display: block; font-weight: 600; font-size: 13px; margin-bottom: 4px; }
.pd-row { display: flex; gap: 6px; align-items: center; }
.pd-text { flex: 1; min-width: 0; padding: 5px 8px; }
.pd-wide { width: 100%; }
.pd-text[aria-invalid="true"], .pd-area[aria-invalid="true"] { border-color: #c42b2b; background: #fff6f6; }
.pd-swatch { flex: none; width: 38px; height: 31px; padding: 2px; border: 1px solid #c3cad6; border-radius: 6px; background: #fff; cursor: pointer; }
.pd-range { flex: 1; min-width: 0; }
.pd-range + .pd-text { flex: 0 0 96px; }
.pd-preset { flex: none; max-width: 116px; padding: 5px 4px; }
.pd-area { display: block; width: 100%; padding: 8px; resize: vertical; font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.pd-error { color: #b42323; font-size: 12.5px; margin: 4px 0 0; padding: 0; list-style: none; }
.pd-hint { color: #596275; font-size: 12.5px; margin: 4px 0 0; }
.pd-seg { display: inline-flex; border: 1px solid #c3cad6; border-radius: 6px; overflow: hidden; background: #fff; }
.pd-seg label { position: relative; display: flex; cursor: pointer; }
.pd-seg label + label { border-left: 1px solid #c3cad6; }
.pd-seg input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.pd-seg span { padding: 5px 12px; font-weight: 600; text-transform: capitalize; }
.pd-seg input:checked + span { background: #1f2430; color: #fff; }
.pd-view { display: flex; flex-direction: column; min-width: 0; min-height: 0; transform: translateZ(0); }
.pd-bar { display: flex; flex-wrap: wrap; gap: 10px 14px; align-items: center; padding: 10px 16px; background: #fff;
  border-bottom: 1px solid #d5dae3; }
.pd-bar .pd-preset { max-width: none; padding: 5px 8px; }
.pd-bar .pd-inline { margin: 0; }
.pd-stage { flex: 1; min-height: 0; overflow: auto; }
.pd-canvas { padding: 28px 24px 48px; }
@media (max-width: 860px) {
  .pd-app { display: flex; flex-direction: column; height: auto; }
  .pd-panel { overflow: visible; border-right: 0; }
  .pd-view { order: -1; position: sticky; top: 0; z-index: 2; height: 50vh; border-bottom: 1px solid #d5dae3;
    box-shadow: 0 4px 12px rgba(16, 24, 40, .12); }
  .pd-bar { padding: 6px 10px; gap: 6px 10px; }
  .pd-bar .pd-hint { display: none; }
  .pd-canvas { padding: 12px; }
}
`
