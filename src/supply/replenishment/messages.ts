import { defineMessages } from '../../fhir/messages.js';

/** Texts of replenishment and stock alerts (en / es). */
defineMessages('supply', {
  replenishmentPending: {
    en: 'The last replenishment of {0} awaits its approval ({1}, {2}): complete, reject or cancel it first',
    es: 'La última reposición de {0} espera su aprobación ({1}, {2}): complétela, recházela o cancélela primero',
  },
  replenishmentRaiseNeedsPost: { en: 'raise=true writes Flags: use POST', es: 'raise=true escribe Flags: use POST' },
  replenishmentTooManyOrderLines: { en: '{0} names {1} SupplyRequests, more than {2}', es: '{0} nombra {1} SupplyRequest, más de {2}' },
});
