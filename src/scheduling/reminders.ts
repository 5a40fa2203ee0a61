import { readFileSync } from 'node:fs';
import type { Appointment, Communication, Patient, Practitioner } from '@medplum/fhirtypes';
import { create, update } from '../interactions/write.js';
import type { Services } from '../rest/services.js';
import { refKey, UTC_OFFSET_MIN } from './model.js';
import { schedulingContext } from './jobs.js';
import { searchIn } from '../store/search-in.js';

/**
 * Reminders: before each booked appointment the server writes a Communication (category `reminder`,
 * `basedOn` = the Appointment, `subject`/`recipient` = the patient, `language` and text in the patient's
 * language: Patient.communication preferred, Guaraní or Spanish, Spanish when neither) and hands it to the
 * outbound channel. Once per appointment, even with several processes: the Communication is written first
 * (status `preparation`) under the appointment's reminder lock, after checking there is none; it is sent after
 * that commit, then marked `completed` (or `stopped` when the channel fails: not tried again).
 */
export interface ReminderChannel {
  name: string;
  send(c: Communication, patient: Patient): Promise<void>;
}

/** The default channel writes the reminder to the server log (an SMS gateway plugs in with setReminderChannel). */
export function loggingChannel(s: Services): ReminderChannel {
  return { name: 'log', send: async (c) => s.log.info({ communication: c.id, language: c.language, text: c.payload?.[0]?.contentString }, 'reminder') };
}

let channel: ReminderChannel | undefined;
export function setReminderChannel(c: ReminderChannel): void {
  channel = c;
}

/** The built-in templates; SCHEDULING_REMINDER_TEMPLATES names a JSON file { "es": "...", "gn": "..." } that replaces them. */
export const DEFAULT_TEMPLATES: Record<string, string> = {
  es: 'Hola {paciente}: le recordamos su turno del {fecha} a las {hora} con {profesional}. Si no puede asistir, avise para que el turno quede para otra persona.',
  gn: "Mba'éichapa {paciente}: ne rembiapoukapy {fecha} {hora}-pe {profesional} ndive. Ndaikatúiramo reho, emomarandu ambue tapicha oipuru hag̃ua.",
};

function templates(file: string | undefined): Record<string, string> {
  if (!file) return DEFAULT_TEMPLATES;
  try {
    const t = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    return { ...DEFAULT_TEMPLATES, ...Object.fromEntries(Object.entries(t).filter(([, v]) => typeof v === 'string')) } as Record<string, string>;
  } catch {
    return DEFAULT_TEMPLATES;
  }
}

const localParts = (iso: string): { fecha: string; hora: string } => {
  const t = new Date(Date.parse(iso) + UTC_OFFSET_MIN * 60_000).toISOString();
  return { fecha: `${t.slice(8, 10)}/${t.slice(5, 7)}/${t.slice(0, 4)}`, hora: t.slice(11, 16) };
};
const nameOf = (r: Patient | Practitioner | undefined): string => {
  const n = r?.name?.[0];
  return n ? [...(n.given ?? []), n.family].filter(Boolean).join(' ') : '';
};

/** Sends the reminders due: booked appointments starting within `hoursAhead`, without one yet. Returns how many. */
export async function sendReminders(s: Services, hoursAhead: number, templateFile?: string): Promise<number> {
  const ctx = schedulingContext(s);
  const now = Date.now();
  const due = await s.store.transaction(ctx, (t) =>
    searchIn<Appointment>(t, 'Appointment', { status: 'booked', date: [`ge${new Date(now).toISOString()}`, `lt${new Date(now + hoursAhead * 3600_000).toISOString()}`] }, 500),
  );
  const texts = templates(templateFile);
  let sent = 0;
  for (const a of due) {
    const claimed = await s.store.transaction(ctx, async (t) => {
      await t.lock([`reminder:Appointment/${a.id}`]);
      const [already] = await searchIn<Communication>(t, 'Communication', { 'based-on': `Appointment/${a.id}`, category: 'reminder' }, 1);
      if (already) return undefined;
      const pKey = (a.participant ?? []).map((p) => refKey(p.actor, 'Patient')).find(Boolean);
      if (!pKey) return undefined;
      const row = await t.read('Patient', pKey.slice('Patient/'.length));
      if (!row?.content || row.deleted) return undefined;
      const patient = JSON.parse(row.content) as Patient;
      const pref = patient.communication?.find((c) => c.preferred) ?? patient.communication?.[0];
      const code = pref?.language?.coding?.find((c) => c.code)?.code?.split('-')[0];
      const language = code && texts[code] ? code : 'es';
      const prKey = (a.participant ?? []).map((p) => refKey(p.actor, 'Practitioner')).find(Boolean);
      const prRow = prKey ? await t.read('Practitioner', prKey.slice('Practitioner/'.length)) : undefined;
      const practitioner = prRow?.content && !prRow.deleted ? (JSON.parse(prRow.content) as Practitioner) : undefined;
      const vars: Record<string, string> = { paciente: nameOf(patient), profesional: nameOf(practitioner) || (a.participant ?? []).find((p) => p.actor?.display)?.actor?.display || '', ...localParts(a.start ?? new Date(now).toISOString()) };
      const text = texts[language].replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
      const c: Communication = {
        resourceType: 'Communication',
        language,
        status: 'preparation',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/communication-category', code: 'reminder' }] }],
        basedOn: [{ reference: `Appointment/${a.id}` }],
        subject: { reference: pKey },
        recipient: [{ reference: pKey }],
        payload: [{ contentString: text }],
      };
      const r = await create(t, c);
      return { c: { ...c, id: r.id }, patient };
    });
    if (!claimed) continue;
    const out = channel ?? loggingChannel(s);
    let ok = true;
    try {
      await out.send(claimed.c, claimed.patient);
    } catch (err) {
      ok = false;
      s.log.warn({ communication: claimed.c.id, channel: out.name, err: (err as Error).message }, 'reminder not sent');
    }
    await s.store.transaction(ctx, async (t) => {
      const row = await t.read('Communication', claimed.c.id!);
      if (!row?.content) return;
      const current = JSON.parse(row.content) as Communication;
      await update(t, 'Communication', claimed.c.id!, ok ? { ...current, status: 'completed', sent: new Date().toISOString() } : { ...current, status: 'stopped' });
    });
    if (ok) sent++;
  }
  return sent;
}
