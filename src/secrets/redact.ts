// The one redaction rule. Every artifact and every line printed passes through `redactText`:
// passwords inside URLs (`scheme://user:SECRET@host`) become `***`, and so do generated tokens
// (JWT, SAS) and every secret value this process has read (`${env:…}`, `${file:…}`). Structured data
// (the resolved scenario in report.json) goes through `redactScenario` first, which keeps
// references (`${env:BROKER_PASSWORD}`) and masks secrets written literally.
export const MASK = '***';

/** Shorter values are not scrubbed from free text (they would mangle it); see docs/live-mode.md. */
export const MIN_SCRUBBED_CHARS = 4;

const secrets = new Set<string>();
let ordered: string[] = [];

/** Remembers a secret value so no output can carry it (kept for the life of the process). */
export function rememberSecret(value: string): void {
  if (value.length < MIN_SCRUBBED_CHARS || secrets.has(value)) return;
  secrets.add(value);
  const forms = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]);
  // Longest first, so a secret containing another is masked whole.
  ordered = [...new Set([...ordered, ...forms])].sort((a, b) => b.length - a.length);
}

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/?#"'<>]*):([^\s@/?#"<>]*)@/gi;

/** `mqtt://user:pw@host` → `mqtt://user:***@host`; anything else unchanged. */
export function redactUrl(url: string): string {
  return url.replace(URL_USERINFO, `$1:${MASK}@`);
}

/** Generated tokens, recognised by shape: a compact JWT, a SAS token's signature part. */
const JWT = /\beyJ[\w-]{8,}\.eyJ[\w-]*\.[\w-]+/g;
const SAS = /(SharedAccessSignature )[^\s"'<>]+/g;

/** Free text with URL passwords, tokens and every remembered secret masked. */
export function redactText(text: string): string {
  let out = redactUrl(text).replace(JWT, MASK).replace(SAS, `$1${MASK}`);
  // Repeat while one is left: a mask next to its surroundings may spell a secret again (each
  // pass shortens the text, since a remembered value is longer than the mask).
  for (const s of ordered) while (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}
