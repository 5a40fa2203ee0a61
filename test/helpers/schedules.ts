import type { Json } from '../rest-util.js';

const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';

/** A Schedule of `location` open every day from `from` to `to` (local time) in slots of `minutes`, planned `horizon` days ahead. */
export function dailySchedule(location: string, opts: { id?: string; from?: string; to?: string; minutes?: number; horizon?: number } = {}): Json {
  const { id, from = '07:00:00', to = '08:00:00', minutes = 30, horizon = 2 } = opts;
  return {
    resourceType: 'Schedule',
    ...(id ? { id } : {}),
    active: true,
    actor: [{ reference: location }],
    extension: [
      {
        url: `${SD}py-disponibilidad`,
        extension: [
          { url: 'inicio', valueTime: from },
          { url: 'fin', valueTime: to },
          { url: 'duracionMinutos', valuePositiveInt: minutes },
          ...['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => ({ url: 'dia', valueCode: d })),
        ],
      },
      { url: `${SD}py-horizonte-planificacion`, valuePositiveInt: horizon },
    ],
  };
}
