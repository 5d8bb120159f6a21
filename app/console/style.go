package console

// css is the console's own look, every rule under a pc- class; the
// pricing preview's components style themselves under .portico-root.
const css = `
body { margin: 0; background: #f4f6fa; }
.pc-app { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1c2230; min-height: 100vh; }
.pc-app *, .pc-app *::before, .pc-app *::after { box-sizing: border-box; }
.pc-app :focus-visible { outline: 2px solid #2557d6; outline-offset: 2px; }
.pc-skip { position: absolute; left: -9999px; top: 8px; background: #fff; padding: 8px 12px; z-index: 20; }
.pc-skip:focus { left: 8px; }
.pc-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.pc-top { display: flex; align-items: center; gap: 24px; padding: 10px 28px; background: #1c2230; color: #fff; }
.pc-brand { color: #fff; font-weight: 700; text-decoration: none; font-size: 16px; }
.pc-nav { display: flex; gap: 4px; flex: 1; }
.pc-nav-link { color: #cfd6e4; text-decoration: none; padding: 6px 12px; border-radius: 6px; font-weight: 600; }
.pc-nav-link:hover { color: #fff; background: rgba(255,255,255,.08); }
.pc-nav-link[aria-current=page] { color: #fff; background: rgba(255,255,255,.16); }
.pc-top .pc-button { background: transparent; color: #fff; border-color: rgba(255,255,255,.35); }
.pc-main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 64px; }
.pc-panel { background: #fff; border: 1px solid #dde2ea; border-radius: 10px; padding: 20px 24px; margin-bottom: 18px; }
.pc-head { display: flex; align-items: flex-start; justify-content: space-between; gap: 16px; flex-wrap: wrap; }
.pc-head h1, .pc-head h2 { margin: 0 0 6px; }
h1 { font-size: 24px; } h2 { font-size: 18px; } h3 { font-size: 14px; margin: 16px 0 6px; }
.pc-lead { color: #4a5366; margin: 4px 0 0; }
.pc-meta { color: #5b6477; margin: 0; font-size: 14px; }
.pc-hint { color: #5b6477; font-size: 13px; margin: 4px 0 0; }
.pc-error { color: #b42318; font-size: 13px; margin: 4px 0 0; min-height: 0; }
.pc-error:empty { display: none; }
.pc-loading { color: #5b6477; padding: 40px 0; text-align: center; }
.pc-empty { color: #5b6477; padding: 12px 0; }
.pc-failed h1 { font-size: 20px; }
.pc-notice-slot { min-height: 0; }
.pc-notice { background: #ecfdf3; border: 1px solid #abefc6; color: #05603a; padding: 10px 14px; border-radius: 8px; margin: 0 0 16px; }
.pc-callout { background: #eff4ff; border: 1px solid #c7d7fe; color: #1d3a8a; padding: 10px 14px; border-radius: 8px; }
.pc-general { background: #fef3f2; border: 1px solid #fecdca; color: #912018; padding: 8px 14px; border-radius: 8px; margin: 8px 0 12px; }
.pc-general p { margin: 0; font-weight: 600; } .pc-general ul { margin: 4px 0 0; padding-left: 20px; }
.pc-button { font: inherit; font-weight: 600; font-size: 14px; padding: 7px 14px; border-radius: 7px; border: 1px solid #c5ccd8;
  background: #fff; color: #1c2230; cursor: pointer; text-decoration: none; display: inline-block; }
.pc-button:hover { background: #f1f3f8; }
.pc-button[disabled] { opacity: .6; cursor: progress; }
.pc-primary { background: #3b4fd8; border-color: #3b4fd8; color: #fff; }
.pc-primary:hover { background: #2f40b8; }
.pc-danger { background: #c4281c; border-color: #c4281c; color: #fff; }
.pc-danger:hover { background: #a11f15; }
.pc-danger-quiet { color: #b42318; }
.pc-quiet { border-color: transparent; background: transparent; }
.pc-small { padding: 4px 10px; font-size: 13px; }
.pc-wide { width: 100%; }
.pc-toolbar, .pc-row-actions { display: flex; gap: 8px; flex-wrap: wrap; }
.pc-crumbs { font-size: 14px; margin-bottom: 6px; }
.pc-crumbs a, .pc-table a { color: #3b4fd8; }
.pc-tabs { display: flex; gap: 4px; margin: 16px 0 -20px; border-bottom: 1px solid #dde2ea; }
.pc-tab { padding: 8px 14px; text-decoration: none; color: #4a5366; font-weight: 600; border-bottom: 3px solid transparent; }
.pc-tab[aria-current=page] { color: #1c2230; border-bottom-color: #3b4fd8; }
.pc-badge { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 8px; border-radius: 999px;
  background: #ecfdf3; color: #067647; vertical-align: middle; }
.pc-badge-muted { background: #f0f1f4; color: #5b6477; }
.pc-table { width: 100%; border-collapse: collapse; margin-top: 12px; font-size: 14px; }
.pc-table th, .pc-table td { text-align: left; padding: 9px 10px; border-bottom: 1px solid #eceff4; vertical-align: middle; }
.pc-table thead th { font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: #5b6477; }
.pc-table tbody th { font-weight: 600; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f0f2f6; padding: 1px 5px; border-radius: 4px; }
.pc-preview { margin-top: 12px; padding: 16px; border-radius: 10px; background: #f7f8fb; border: 1px dashed #cbd2de; }
.pc-kvs { margin: 10px 0 0; display: grid; gap: 6px; }
.pc-kv { display: flex; gap: 12px; } .pc-kv dt { min-width: 160px; } .pc-kv dd { margin: 0; }
.pc-form { display: flex; flex-direction: column; gap: 4px; }
.pc-field { margin: 8px 0; border: 0; padding: 0; min-width: 0; flex: 1; }
.pc-field > label, .pc-field > legend { display: block; font-weight: 600; font-size: 14px; margin-bottom: 4px; padding: 0; }
.pc-input { font: inherit; width: 100%; padding: 7px 10px; border: 1px solid #7d8597; border-radius: 7px; background: #fff; color: inherit; }
.pc-input[readonly] { background: #f0f2f6; color: #4a5366; }
.pc-input[aria-invalid=true] { border-color: #d92d20; background: #fffbfa; }
.pc-row { display: flex; gap: 12px; align-items: flex-start; flex-wrap: wrap; }
.pc-row > .pc-field { min-width: 140px; }
.pc-ent { align-items: flex-end; border-bottom: 1px solid #eceff4; padding-bottom: 4px; }
.pc-ent .pc-check { margin-bottom: 16px; }
.pc-remove { margin-bottom: 10px; color: #b42318; }
.pc-rows { display: flex; flex-direction: column; }
.pc-radios { display: flex; flex-direction: column; gap: 8px; }
.pc-radio, .pc-check { display: flex; gap: 8px; align-items: flex-start; cursor: pointer; }
/* Radios and boxes big and far apart enough to hit (WCAG 2.2's 24px target spacing). */
.pc-radio input, .pc-check input { margin: 2px 0 0; width: 18px; height: 18px; flex: none; }
.pc-radio-text { display: flex; flex-direction: column; }
.pc-radio-text strong { font-weight: 500; }
.pc-option { display: flex; flex-direction: column; min-width: 0; }
.pc-option-detail { margin: 2px 0 6px 26px; }
.pc-option-detail .pc-picker { margin-top: 4px; }
.pc-notes { margin: 8px 0; padding-left: 20px; } .pc-notes li { margin: 6px 0; }
.pc-conflict { padding-top: 6px; }
.pc-conflict legend { font-weight: 600; }
.pc-checks { display: flex; flex-wrap: wrap; gap: 6px 18px; margin-top: 6px; }
.pc-legend { font-size: 18px; font-weight: 700; padding: 0; }
.pc-journey fieldset { border: 0; padding: 0; margin: 0; }
.pc-translations { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 12px; }
.pc-translation { border: 1px solid #dfe3ea; border-radius: 8px; padding: 4px 12px 6px; margin: 0; min-width: 0; }
.pc-translation legend { font-weight: 600; padding: 0 4px; }
.pc-picker { max-width: 360px; margin-top: 12px; }
.pc-actions { display: flex; justify-content: flex-end; gap: 8px; margin-top: 14px; }
.pc-sticky { position: sticky; bottom: 0; background: #f4f6fa; padding: 12px 0; }
.pc-backdrop { position: fixed; inset: 0; background: rgba(16, 24, 40, .45); z-index: 10; }
.pc-dialog { position: fixed; z-index: 11; top: 5vh; left: 50%; transform: translateX(-50%); width: min(720px, 94vw);
  max-height: 90vh; overflow-y: auto; background: #fff; border-radius: 12px; padding: 22px 26px; box-shadow: 0 20px 50px rgba(16,24,40,.3); }
.pc-dialog h2 { margin: 0 0 8px; }
.pc-versions { list-style: none; padding: 0; margin: 16px 0 0; }
.pc-version { border-top: 1px solid #eceff4; padding: 14px 0; }
.pc-version h2 { font-size: 16px; }
.pc-changes { margin: 8px 0 0; padding-left: 20px; font-size: 14px; color: #333b4d; }
.pc-signin-page { display: flex; align-items: center; justify-content: center; padding: 20px; }
.pc-signin { width: min(440px, 100%); background: #fff; border: 1px solid #dde2ea; border-radius: 12px; padding: 28px 30px; }
.pc-signin h1 { margin: 0; }
.pc-currency-code > .pc-field { max-width: 200px; }
.pc-currency + .pc-currency { border-top: 1px solid #eceff4; margin-top: 8px; padding-top: 4px; }
.pc-currency-head { display: flex; align-items: center; justify-content: space-between; gap: 12px; }
.pc-currency-head h3 { margin: 8px 0 2px; font-size: 15px; }
.pc-currency-head .pc-remove { margin: 0; }
.pc-add-currency { align-items: flex-end; border-top: 1px solid #eceff4; margin-top: 8px; padding-top: 4px; }
.pc-add-currency > .pc-field { flex: 1 1 320px; }
.pc-add-currency-button { margin-bottom: 14px; }
.pc-preview .portico-billing-period-toggle { flex-wrap: wrap; }
.pc-charge { border: 1px solid #dde2ea; border-radius: 8px; padding: 6px 14px 10px; margin: 8px 0; min-width: 0; }
.pc-charge-title { font-weight: 700; font-size: 15px; padding: 0 4px; }
.pc-charge-price { border-top: 1px solid #eceff4; margin-top: 6px; padding-top: 4px; }
.pc-charge-price h3 { margin: 8px 0 2px; }
.pc-charge-actions { display: flex; justify-content: flex-end; }
.pc-charge-actions .pc-remove { margin: 4px 0 0; }
.pc-tier { align-items: flex-end; gap: 4px 12px; border-bottom: 1px solid #f0f2f6; }
.pc-tier > .pc-field { min-width: 110px; margin: 4px 0 6px; }
.pc-tier-title { flex-basis: 100%; font-size: 13px; font-weight: 600; color: #5b6477; margin-top: 6px; }
.pc-tier .pc-remove { margin-bottom: 8px; }
.pc-add-tier { align-self: flex-start; margin-top: 6px; }
/* Webhooks: the endpoints page. */
.pc-badge-failing { background: #fef3f2; color: #b42318; }
.pc-endpoint-url { display: flex; flex-direction: column; gap: 2px; min-width: 0; overflow-wrap: anywhere; }
.pc-endpoint-url code, .pc-endpoint-url .pc-badge { align-self: flex-start; }
.pc-wh-secret { margin: 12px 0 4px; }
.pc-wh-secret h2 { font-size: 16px; margin: 0 0 4px; overflow-wrap: anywhere; }
.pc-wh-secret p { margin: 4px 0; }
.pc-wh-secret-row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.pc-wh-secret-value { flex: 1 1 320px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
.pc-event-types .pc-check { font-size: 14px; }
.pc-type-checks code, .pc-type-checks span { overflow-wrap: anywhere; }
.pc-type-checks { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); }
.pc-deliveries h2 { overflow-wrap: anywhere; }
.pc-endpoints .pc-row-actions, .pc-delivery-list .pc-row-actions { justify-content: flex-end; }
.pc-endpoints tbody th, .pc-delivery-list tbody th { font-weight: 400; }
@media (max-width: 720px) { .pc-nav { flex-wrap: wrap; gap: 2px; } .pc-nav-link { padding: 6px 8px; }
  .pc-endpoints .pc-row-actions, .pc-delivery-list .pc-row-actions { justify-content: flex-start; } }
@media (max-width: 720px) { .pc-top { flex-wrap: wrap; gap: 8px 16px; padding: 10px 14px; } .pc-nav { order: 3; flex-basis: 100%; }
  .pc-main { padding: 14px; } .pc-panel { padding: 16px 14px; } .pc-preview { padding: 8px; }
  .pc-dialog { top: 2vh; width: 96vw; max-height: 96vh; padding: 18px 16px; }
  .pc-kv { flex-direction: column; gap: 0; } .pc-kv dt { min-width: 0; }
  .pc-option-detail { margin-left: 0; }
  .pc-prices .pc-row > .pc-field { flex-basis: 100%; }
  .pc-charge { padding: 4px 10px 8px; }
  .pc-tier > .pc-field { min-width: 0; flex: 1 1 30%; }
  /* A tier's field in error takes the row: its sentence stays readable. */
  .pc-tier > .pc-field:has(.pc-error:not(:empty)) { flex-basis: 100%; }
  /* Tables become one card per row, each cell after its column's label. */
  .pc-table, .pc-table tbody, .pc-table tr, .pc-table td, .pc-table tbody th { display: block; width: 100%; }
  .pc-table thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .pc-table tr { border: 1px solid #dde2ea; border-radius: 8px; padding: 6px 12px; margin-bottom: 10px; }
  .pc-table td, .pc-table tbody th { border: 0; padding: 4px 0; display: flex; gap: 12px; overflow-wrap: anywhere; }
  .pc-table [data-label]::before { content: attr(data-label); flex: 0 0 112px; color: #5b6477; font-size: 12px;
    font-weight: 600; text-transform: uppercase; letter-spacing: .03em; padding-top: 2px; }
  .pc-table .pc-row-actions { padding-top: 8px; } }
`
