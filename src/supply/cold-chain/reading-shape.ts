import { COLD_CHAIN } from './excursions.js';

/**
 * The plain form of a temperature reading, as a logger sends it: an Observation with only `resourceType`,
 * `status`, `code` (py-cadena-frio#temperatura-equipo), `subject` or `device` (a Device), `effectiveDateTime`
 * or `effectiveInstant` (a full date and time with its zone), `valueQuantity` (a number, `Cel`) and
 * optionally `meta` with nothing but `profile`. Of such readings, what the validator's verdict depends on is
 * their shape — the key returned here: every element but the device, the time and the value — plus the form of
 * those three, which is checked here. So a reading of a shape already validated, whose device, time and value
 * pass these checks, gets the same verdict. Anything else (another element, another form): undefined, and the
 * reading is validated in full.
 */
export function plainReadingShape(o: unknown): string | undefined {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return undefined;
  const r = o as Record<string, unknown>;
  let device: unknown;
  let time: unknown;
  for (const key of Object.keys(r)) {
    switch (key) {
      case 'resourceType':
      case 'status':
      case 'code':
      case 'meta':
        break;
      case 'subject':
      case 'device':
        if (device !== undefined) return undefined;
        device = r[key];
        break;
      case 'effectiveDateTime':
      case 'effectiveInstant':
        if (time !== undefined) return undefined;
        time = r[key];
        break;
      case 'valueQuantity':
        break;
      default:
        return undefined;
    }
  }
  if (r.resourceType !== 'Observation' || typeof r.status !== 'string') return undefined;
  if (!isReadingCode(r.code) || !isDeviceReference(device) || !isDateTime(time)) return undefined;
  const meta = r.meta;
  if (meta !== undefined && (!meta || typeof meta !== 'object' || Object.keys(meta).some((k) => k !== 'profile'))) return undefined;
  const q = r.valueQuantity as Record<string, unknown> | undefined;
  if (!q || typeof q !== 'object' || Array.isArray(q) || typeof q.value !== 'number' || !Number.isFinite(q.value)) return undefined;
  if (Object.keys(q).some((k) => k !== 'value' && k !== 'unit' && k !== 'system' && k !== 'code')) return undefined;
  const { value: _value, ...unit } = q;
  return JSON.stringify([r.status, r.code, meta ?? null, unit, 'subject' in r ? 'subject' : 'device', 'effectiveDateTime' in r ? 'dateTime' : 'instant']);
}

function isReadingCode(code: unknown): boolean {
  const c = code as { coding?: unknown } | undefined;
  if (!c || typeof c !== 'object' || Object.keys(c).some((k) => k !== 'coding') || !Array.isArray(c.coding) || c.coding.length !== 1) return false;
  const coding = c.coding[0] as Record<string, unknown>;
  if (!coding || typeof coding !== 'object' || Object.keys(coding).some((k) => k !== 'system' && k !== 'code' && k !== 'display')) return false;
  return coding.system === COLD_CHAIN && coding.code === 'temperatura-equipo' && (coding.display === undefined || (typeof coding.display === 'string' && /\S/.test(coding.display)));
}

const DEVICE_REFERENCE = /^Device\/[A-Za-z0-9\-.]{1,64}$/;

function isDeviceReference(ref: unknown): boolean {
  const r = ref as Record<string, unknown> | undefined;
  return !!r && typeof r === 'object' && !Array.isArray(r) && Object.keys(r).length === 1 && typeof r.reference === 'string' && DEVICE_REFERENCE.test(r.reference);
}

/** A date, hour, minutes and seconds (fraction optional) with a zone, each field in its range. */
const DATE_TIME = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-](0\d|1[0-3]):[0-5]\d|[+-]14:00)$/;

function isDateTime(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const m = DATE_TIME.exec(v);
  if (!m || Number(m[1]) < 1) return false;
  // the day exists in its month (Date rolls 2026-02-30 over to March)
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return day.getUTCDate() === Number(m[3]);
}
