import type { Report } from './json.js';

/**
 * Rules the R4 spec states in prose for datatypes (no invariant carries them), checked wherever a value of
 * the type appears:
 * - Attachment: `size` is the number of bytes of the data (base64-decoded), when both are given;
 * - Coding: `system` is an absolute URI (terminologies.html: "the system SHALL be an absolute URI");
 * - dateTime, instant: a time of day comes with its time zone (datatypes.html: "If hours and minutes are
 *   specified, a time zone SHALL be populated"; the base validation reads a time without one as valid);
 * - xhtml: the narrative is XML without a DTD, so only the XML entities (`&lt;` `&gt;` `&amp;` `&quot;` `&apos;`)
 *   and character references (`&#160;`, `&#xA0;`) may appear: `&reg;` or `&nbsp;` are not defined.
 */
export const DATATYPE_RULES: ReadonlyMap<string, (value: unknown, path: string, report: Report) => void> = new Map([
  ['Attachment', attachment],
  ['Coding', coding],
  ['dateTime', timeZone],
  ['instant', timeZone],
  ['xhtml', xhtml],
]);

const TIME_WITHOUT_ZONE = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

function timeZone(value: unknown, path: string, report: Report): void {
  if (typeof value === 'string' && TIME_WITHOUT_ZONE.test(value)) report('error', 'value', 'timeWithoutZone', [value], path);
}

function attachment(value: unknown, path: string, report: Report): void {
  const { size, data } = (value ?? {}) as { size?: unknown; data?: unknown };
  if (typeof size !== 'number' || typeof data !== 'string') return;
  const actual = Buffer.from(data, 'base64').length;
  if (actual !== size) report('error', 'value', 'attachmentSize', [size, actual], `${path}.size`);
}

const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S/;

function coding(value: unknown, path: string, report: Report): void {
  const system = (value as { system?: unknown } | null)?.system;
  if (typeof system === 'string' && !ABSOLUTE_URI.test(system)) report('error', 'value', 'codingSystemNotAbsolute', [system], `${path}.system`);
}

const ENTITY = /&([^;&<\s]*)(;?)/g;
const XML_ENTITIES = new Set(['lt', 'gt', 'amp', 'quot', 'apos']);

function xhtml(value: unknown, path: string, report: Report): void {
  if (typeof value !== 'string' || !value.includes('&')) return;
  for (const m of value.matchAll(ENTITY)) {
    const name = m[1];
    const ok = m[2] === ';' && (XML_ENTITIES.has(name) || /^#[0-9]+$/.test(name) || /^#x[0-9A-Fa-f]+$/.test(name));
    if (!ok) {
      report('error', 'value', 'xhtmlEntity', [`&${name}${m[2]}`], path);
      return;
    }
  }
}
