/** Escapes text for HTML element content and attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Serializes data for an inline <script type="application/json"> block. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export const BASE_CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1d2430;background:#fff}
h1{font-size:22px;margin:0 0 4px} h2{font-size:16px;margin:24px 0 8px}
.meta{color:#5b6575;margin-bottom:16px} .mono{font-family:ui-monospace,Menlo,Consolas,monospace}
.verdict{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;color:#fff}
.v-false{background:#c62828} .v-true{background:#2e7d32} .v-unknown{background:#ef8f00}
table{border-collapse:collapse;font-size:13px} td,th{border-bottom:1px solid #e3e7ee;padding:4px 10px;text-align:left}
th{background:#f4f6f9;font-weight:600}
`;
