package components

import "strings"

// Stylesheet returns the components' CSS for a class prefix. It reads the
// theme's custom properties (theme.Theme.CSS), so a theme restyles it
// without touching a rule.
func Stylesheet(prefix string) string {
	return strings.NewReplacer(".P-", "."+prefix+"-", "--P-", "--"+prefix+"-", "#P-", "#"+prefix+"-").Replace(css)
}

// The type scale is 12 and 14 px, the theme's base, section and title
// sizes (15, 17 and 24 px by default) and 28 px for prices, in two weights:
// 400 and 600 (the theme's heading weight, 600 by default). A browser sets
// up each size and weight it paints before the first paint (on Linux, a
// font configuration lookup each), so the scale stays small: see
// docs/performance.md.
const css = `
.P-root { font-family: var(--P-font-family); font-size: var(--P-font-size); color: var(--P-text); line-height: 1.5;
  -webkit-font-smoothing: antialiased; }
.P-root *, .P-root *::before, .P-root *::after { box-sizing: border-box; }
.P-customer-portal { max-width: var(--P-max-width); margin: 0 auto; display: flex; flex-direction: column;
  gap: var(--P-spacing); text-align: var(--P-align); }
.P-section { background: var(--P-surface); border: 1px solid var(--P-border); border-radius: var(--P-radius);
  box-shadow: var(--P-shadow-card); padding: var(--P-section-padding); }
.P-section-header { display: flex; align-items: center; justify-content: space-between; gap: 12px; flex-wrap: wrap;
  margin-bottom: 16px; }
.P-section-title { font-size: var(--P-section-size); font-weight: var(--P-heading-weight); margin: 0; letter-spacing: -0.01em; }
.P-portal-header { display: flex; align-items: center; justify-content: space-between; gap: 12px; flex-wrap: wrap; }
.P-portal-header:empty { display: none; }
.P-business { display: flex; align-items: center; gap: 10px; min-width: 0; }
.P-business-logo { height: 32px; width: auto; max-width: 160px; object-fit: contain; }
.P-business-name { font-size: var(--P-section-size); font-weight: var(--P-heading-weight); overflow-wrap: anywhere; }
.P-return-link { color: var(--P-primary); font-weight: 600; text-decoration: none; }
.P-return-link:hover { text-decoration: underline; }
.P-return-link:focus-visible { outline: 2px solid var(--P-primary); outline-offset: 2px; }
.P-muted { color: var(--P-text-muted); }
.P-empty { color: var(--P-text-muted); margin: 0; }
.P-label { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--P-text-muted); margin-bottom: 6px; }
.P-list { list-style: none; margin: 0; padding: 0; }

.P-button { font: inherit; font-weight: 600; font-size: 14px; border-radius: calc(var(--P-radius) * .66);
  padding: 8px 14px; border: 1px solid transparent; cursor: pointer; transition: background .15s, border-color .15s, opacity .15s;
  white-space: nowrap; }
.P-button:focus-visible, .P-tab:focus-visible, .P-period-option:focus-visible, .P-notice-dismiss:focus-visible {
  outline: 2px solid var(--P-primary); outline-offset: 2px; }
.P-button[disabled] { cursor: default; opacity: .55; }
.P-button-primary, .P-retry-button { background: var(--P-primary); color: var(--P-on-primary); }
.P-button-primary:hover:not([disabled]) { filter: brightness(1.08); }
.P-button-secondary { background: var(--P-surface); color: var(--P-text); border-color: var(--P-border); }
.P-button-secondary:hover:not([disabled]) { background: var(--P-subtle); }
.P-button-danger { background: var(--P-danger); color: #fff; }
.P-button-link { background: none; border: none; padding: 0; color: var(--P-primary); font-weight: 600; }
.P-button-link:hover { text-decoration: underline; }
.P-actions { display: flex; gap: 8px; justify-content: flex-end; margin-top: 16px; flex-wrap: wrap; }

.P-skeleton { display: flex; flex-direction: column; gap: 10px; }
.P-skeleton-line { height: 14px; border-radius: 6px; background: linear-gradient(90deg, var(--P-subtle) 25%, var(--P-border) 37%, var(--P-subtle) 63%);
  background-size: 400% 100%; animation: P-shimmer 1.4s ease infinite; }
.P-skeleton-line:nth-child(2n) { width: 70%; }
.P-skeleton-line:last-child { width: 45%; }
@keyframes P-shimmer { 0% { background-position: 100% 50%; } 100% { background-position: 0 50%; } }
.P-error { border: 1px solid var(--P-danger); border-radius: calc(var(--P-radius) * .66); padding: 12px 16px;
  color: var(--P-danger); background: color-mix(in srgb, var(--P-danger) 6%, var(--P-surface)); }
.P-error p { margin: 0 0 8px; }
.P-error-detail { color: var(--P-text-muted); font-size: 14px; }

/* Notices are a toast at the bottom of the window: in view after an action
   anywhere on a long page, and out of the page's flow, so nothing moves.
   A dialog's backdrop covers it: the dialog shows its own errors. */
.P-notice-area { position: fixed; left: 0; right: 0; bottom: 16px; z-index: 45; display: flex; justify-content: center;
  padding: 0 16px; pointer-events: none; }
.P-notice-area:empty { display: none; }
.P-notice { pointer-events: auto; width: min(560px, 100%); display: flex; align-items: center; justify-content: space-between;
  gap: 12px; padding: 12px 16px; border-radius: var(--P-radius); border: 1px solid var(--P-border); background: var(--P-surface);
  box-shadow: var(--P-shadow-popup); outline: none; }
.P-notice:focus-visible { outline: 2px solid var(--P-primary); outline-offset: 2px; }
.P-notice-success { border-color: var(--P-success); background: color-mix(in srgb, var(--P-success) 8%, var(--P-surface)); }
.P-notice-error { border-color: var(--P-danger); background: color-mix(in srgb, var(--P-danger) 8%, var(--P-surface)); }
.P-notice-info { border-color: var(--P-primary); background: var(--P-highlight); }
.P-notice-dismiss { background: none; border: none; font-size: 24px; line-height: 1; cursor: pointer; color: var(--P-text-muted); }

.P-subscription { padding: 4px 0 16px; }
.P-subscription + .P-subscription { border-top: 1px solid var(--P-border); padding-top: 16px; }
.P-plan-header { display: flex; justify-content: space-between; align-items: flex-start; gap: 12px; flex-wrap: wrap; }
.P-product-name { font-size: 14px; color: var(--P-text-muted); }
.P-plan-name { font-size: var(--P-title-size); font-weight: var(--P-heading-weight); margin: 0; letter-spacing: -0.02em; }
.P-badges { display: flex; gap: 6px; flex-wrap: wrap; }
.P-status-badge, .P-trial-badge, .P-plan-badge, .P-saving-badge, .P-invoice-status, .P-usage-flag {
  display: inline-block; font-size: 12px; font-weight: 600; border-radius: 999px; padding: 2px 10px; }
.P-status-badge { background: color-mix(in srgb, var(--P-success) 14%, var(--P-surface)); color: var(--P-success); }
.P-status-trialing { background: var(--P-highlight); color: var(--P-primary); }
.P-status-canceled, .P-status-expired { background: var(--P-subtle); color: var(--P-text-muted); }
.P-trial-badge { background: color-mix(in srgb, var(--P-warning) 14%, var(--P-surface)); color: var(--P-warning); }
.P-price { font-size: 17px; font-weight: 600; margin-top: 6px; }
.P-period { color: var(--P-text-muted); font-size: 14px; }
.P-bill-summary { display: flex; gap: 16px; flex-wrap: wrap; padding: 12px 14px; background: var(--P-subtle);
  border-radius: calc(var(--P-radius) * .66); font-size: 14px; }
.P-credit { color: var(--P-success); font-weight: 600; }
.P-scheduled-update-banner { display: flex; align-items: center; justify-content: space-between; gap: 12px; flex-wrap: wrap;
  margin-top: 12px; padding: 10px 14px; border-radius: calc(var(--P-radius) * .66);
  background: color-mix(in srgb, var(--P-warning) 10%, var(--P-surface)); border: 1px solid color-mix(in srgb, var(--P-warning) 40%, var(--P-surface)); }
.P-past-due-banner { display: flex; align-items: center; justify-content: space-between; gap: 12px; flex-wrap: wrap;
  margin-bottom: 12px; padding: 12px 14px; border-radius: calc(var(--P-radius) * .66); border: 1px solid var(--P-danger);
  background: color-mix(in srgb, var(--P-danger) 8%, var(--P-surface)); color: var(--P-danger); font-weight: 600; }
.P-billing-unavailable { display: flex; align-items: center; justify-content: space-between; gap: 12px; flex-wrap: wrap;
  color: var(--P-text-muted); }
.P-billing-unavailable p { margin: 0; }
.P-contact-support { margin-top: 12px; padding: 12px 14px; border-radius: calc(var(--P-radius) * .66); background: var(--P-highlight); }
.P-contact-support-title { margin: 0 0 4px; font-weight: 600; }
.P-cancel-row { margin-top: 12px; }
.P-cancel-subscription-button { color: var(--P-text-muted); font-weight: 400; font-size: 14px; }
.P-cancel-access, .P-cancel-update-what { font-weight: 600; margin: 8px 0 4px; }
.P-tabs-container { margin-top: 16px; }
.P-tabs { display: flex; gap: 4px; border-bottom: 1px solid var(--P-border); margin-bottom: 12px; }
.P-tab { font: inherit; font-weight: 600; font-size: 14px; background: none; border: none; border-bottom: 2px solid transparent;
  padding: 8px 10px; color: var(--P-text-muted); cursor: pointer; margin-bottom: -1px; }
.P-tab-selected { color: var(--P-primary); border-bottom-color: var(--P-primary); }
.P-addon-row, .P-addon-offer, .P-promotion-row { display: flex; gap: 4px 12px; align-items: center; flex-wrap: wrap; padding: 8px 0;
  border-bottom: 1px dashed var(--P-border); }
.P-addon-row:last-child, .P-addon-offer:last-child, .P-promotion-row:last-child { border-bottom: none; }
.P-addon-name, .P-promotion-name { flex: 1; font-weight: 600; }
.P-addon-quantity { color: var(--P-text-muted); }
.P-change-addon-button, .P-add-addon-button { padding: 4px 12px; font-size: 12px; }
/* In a narrow column an add-on's name has a line of its own. */
.P-addons-list { container-type: inline-size; }
@container (max-width: 420px) {
  .P-addons-list .P-addon-name { flex-basis: 100%; }
  .P-change-addon-button, .P-add-addon-button { margin-left: auto; }
}
.P-addon-offers { margin-top: 12px; }
.P-addon-offers-title { margin: 0; font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .06em;
  color: var(--P-text-muted); }
.P-promotions-subtitle { margin: 0 0 8px; font-size: 14px; }

.P-usage-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 12px; }
.P-entitlement-row-container { border: 1px solid var(--P-border); border-radius: calc(var(--P-radius) * .75); padding: 14px; }
.P-entitlement-top { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
.P-entitlement-name { font-weight: 600; }
.P-entitlement-included { color: var(--P-success); font-size: 14px; margin-top: 6px; }
.P-usage-figure { font-size: 14px; margin: 6px 0 8px; font-variant-numeric: tabular-nums; }
.P-usage-bar { height: 8px; border-radius: 999px; background: var(--P-subtle); overflow: hidden; }
.P-usage-bar-fill { height: 100%; border-radius: 999px; background: var(--P-primary); transition: width .3s; }
.P-usage-near-limit .P-usage-bar-fill { background: var(--P-warning); }
.P-usage-at-limit .P-usage-bar-fill { background: var(--P-danger); }
.P-usage-flag { background: color-mix(in srgb, var(--P-warning) 14%, var(--P-surface)); color: var(--P-warning); }
.P-usage-at-limit .P-usage-flag { background: color-mix(in srgb, var(--P-danger) 12%, var(--P-surface)); color: var(--P-danger); }
.P-entitlement-bottom { display: flex; justify-content: space-between; align-items: center; gap: 8px; margin-top: 8px; font-size: 12px; min-height: 20px; }
.P-buy-more-button { margin-left: auto; }
.P-usage-flag { white-space: nowrap; }

.P-billing-period-toggle { display: flex; align-items: center; gap: 8px 10px; flex-wrap: wrap; min-width: 0; }
.P-segmented { display: inline-flex; background: var(--P-subtle); border-radius: 999px; padding: 3px; }
.P-period-option { font: inherit; font-size: 14px; font-weight: 600; border: none; background: none; padding: 6px 14px;
  border-radius: 999px; cursor: pointer; color: var(--P-text-muted); }
.P-period-option-selected { background: var(--P-surface); color: var(--P-text); box-shadow: var(--P-shadow-card); }
.P-saving-badge { background: color-mix(in srgb, var(--P-success) 14%, var(--P-surface)); color: var(--P-success); }
.P-plans { display: grid; grid-template-columns: repeat(auto-fit, minmax(var(--P-plan-width), 1fr)); gap: var(--P-spacing); }
.P-plans[aria-busy="true"] { opacity: .6; }
.P-plan-card { position: relative; display: flex; flex-direction: column; gap: 10px; border: 1px solid var(--P-border);
  border-radius: var(--P-radius); padding: 20px; background: var(--P-surface); }
.P-plan-highlighted { border: 2px solid var(--P-primary); box-shadow: var(--P-shadow-card); }
.P-current-plan { background: var(--P-highlight); }
.P-plan-badges { display: flex; gap: 6px; flex-wrap: wrap; min-height: 22px; margin: -6px 0 -2px; }
.P-plan-badge { background: var(--P-primary); color: var(--P-on-primary); }
.P-plan-badge-current { background: var(--P-text); color: var(--P-surface); }
.P-plan-card .P-plan-name { font-size: var(--P-section-size); }
.P-plan-description { margin: 0; font-size: 14px; min-height: 42px; }
.P-plan-amount { font-size: 28px; font-weight: 600; letter-spacing: -0.02em; }
.P-plan-billed { font-size: 12px; }
.P-plan-button { width: 100%; white-space: normal; }
.P-plan-custom .P-plan-amount { font-size: 24px; line-height: 38px; }
.P-product-switch { flex-wrap: wrap; }
.P-plan-features { list-style: none; margin: 4px 0 0; padding: 0; font-size: 14px; display: flex; flex-direction: column; gap: 6px; }
.P-plan-feature::before { content: "✓"; color: var(--P-success); font-weight: 600; margin-right: 8px; }
.P-below-usage { margin: 0; font-size: 14px; color: var(--P-warning); }
.P-paywall-section-title:focus { outline: none; }
.P-paywall-section-title:focus-visible { outline: 2px solid var(--P-primary); outline-offset: 4px; border-radius: 4px; }

.P-overlay { position: fixed; inset: 0; background: rgba(15, 23, 42, .45); display: flex; align-items: center;
  justify-content: center; padding: 16px; z-index: 50; }
.P-dialog { background: var(--P-surface); color: var(--P-text); border-radius: var(--P-radius); box-shadow: var(--P-shadow-popup);
  width: min(480px, 100%); padding: 24px; max-height: 90vh; overflow: auto; outline: none; }
.P-confirm-title { margin: 0 0 4px; font-size: var(--P-section-size); font-weight: var(--P-heading-weight); }
.P-confirm-plan { margin: 0 0 12px; color: var(--P-text-muted); }
.P-preview-figures { margin: 0; border: 1px solid var(--P-border); border-radius: calc(var(--P-radius) * .66); }
.P-preview-row { display: flex; justify-content: space-between; gap: 12px; padding: 10px 14px; border-bottom: 1px solid var(--P-border); }
.P-preview-row:last-child { border-bottom: none; }
.P-preview-row dt { color: var(--P-text-muted); }
.P-preview-row dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.P-preview-due dd { font-size: 17px; }
.P-preview-changes h4 { margin: 14px 0 6px; font-size: 14px; }
.P-preview-changes ul { margin: 0; padding-left: 20px; font-size: 14px; }
.P-preview-gained li::marker { content: "+ "; color: var(--P-success); }
.P-preview-lost li::marker, .P-preview-dropped-addons li::marker { content: "− "; color: var(--P-danger); }
.P-preview .P-below-usage { margin-top: 12px; }

.P-addon-unit { margin: 0 0 12px; font-size: 14px; }
.P-addon-grants::before { content: " · "; }
.P-addon-description { margin: 0 0 4px; font-size: 14px; }
.P-stepper { display: flex; align-items: center; gap: 6px; }
.P-stepper-button { width: 36px; height: 36px; padding: 0; font-size: 17px; line-height: 1; }
.P-stepper-input { font: inherit; font-size: 17px; font-weight: 600; width: 72px; height: 36px; text-align: center;
  border: 1px solid var(--P-border); border-radius: calc(var(--P-radius) * .66); background: var(--P-surface); color: var(--P-text);
  font-variant-numeric: tabular-nums; }
.P-stepper-input:focus-visible { outline: 2px solid var(--P-primary); outline-offset: 2px; }
/* The stepper has its own − and + buttons; the arrow keys still step. */
.P-stepper-input { appearance: textfield; -moz-appearance: textfield; }
.P-stepper-input::-webkit-inner-spin-button, .P-stepper-input::-webkit-outer-spin-button { -webkit-appearance: none; margin: 0; }
.P-addon-hint { font-size: 14px; margin: 6px 0 12px; }
.P-addon-no-change { margin: 0; }
.P-schedule-replaced { margin-top: 12px; }
.P-remove-addon-button { color: var(--P-danger); margin-right: auto; }

.P-billing-row { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.6fr); gap: var(--P-spacing); }
@media (max-width: 760px) { .P-billing-row { grid-template-columns: minmax(0, 1fr); } }
/* On a narrow screen or in a narrow column, each invoice is a small card
   instead of a table row wider than its section. */
.P-invoices-section-layout { container-type: inline-size; }
@container (max-width: 460px) {
  .P-invoices-table thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  .P-invoices-table, .P-invoices-table tbody { display: block; }
  .P-invoice-row { display: grid; grid-template-columns: minmax(0, 1fr) auto; grid-template-areas: "number total" "date status" "links links";
    gap: 2px 12px; padding: 10px 0; border-bottom: 1px solid var(--P-border); }
  .P-invoice-row:last-child { border-bottom: none; }
  .P-invoices-table td, .P-invoice-row:last-child td { display: block; padding: 0; border: none; }
  .P-invoice-row td:nth-child(1) { grid-area: number; }
  .P-invoice-row td:nth-child(2) { grid-area: date; }
  .P-invoice-row td:nth-child(3) { grid-area: status; justify-self: end; }
  .P-invoice-row td:nth-child(4) { grid-area: total; text-align: right; }
  .P-invoice-row td:nth-child(5) { grid-area: links; }
}
.P-saving-badge, .P-invoice-date { white-space: nowrap; }
.P-payment-details-grid { display: flex; flex-direction: column; gap: 16px; }
.P-customer-name { font-weight: 600; }
.P-customer-email, .P-customer-address { font-size: 14px; }
.P-credit-card { display: flex; align-items: center; gap: 10px; }
.P-card-brand { font-size: 12px; font-weight: 600; letter-spacing: .04em; padding: 3px 7px; border-radius: 5px;
  background: var(--P-text); color: var(--P-surface); }
.P-card-brand-visa { background: #1a1f71; color: #fff; }
.P-card-brand-mastercard { background: #eb001b; color: #fff; }
.P-credit-card-expiration { font-size: 14px; margin-top: 2px; }
.P-invoices-table { width: 100%; border-collapse: collapse; font-size: 14px; }
.P-invoices-table th { text-align: left; font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .05em;
  color: var(--P-text-muted); padding: 0 8px 8px 0; border-bottom: 1px solid var(--P-border); }
.P-invoices-table td { padding: 10px 8px 10px 0; border-bottom: 1px solid var(--P-border); vertical-align: top; }
.P-invoice-row:last-child td { border-bottom: none; }
.P-invoice-description { font-size: 12px; }
.P-invoice-total { font-variant-numeric: tabular-nums; font-weight: 600; }
.P-invoice-links a { color: var(--P-primary); font-weight: 600; text-decoration: none; margin-right: 10px; }
.P-invoice-links a:hover { text-decoration: underline; }
.P-invoice-status { background: var(--P-subtle); color: var(--P-text-muted); }
.P-invoice-status-paid { background: color-mix(in srgb, var(--P-success) 14%, var(--P-surface)); color: var(--P-success); }
.P-invoice-status-open { background: color-mix(in srgb, var(--P-warning) 14%, var(--P-surface)); color: var(--P-warning); }
.P-pagination { display: flex; align-items: center; justify-content: flex-end; gap: 10px; margin-top: 12px; font-size: 14px; }
.P-error.P-session-expired { text-align: center; }
`
