import { defineMessages } from '../../fhir/messages.js';

/** Texts of the supply KPIs (en / es). */
defineMessages('supply', {
  kpiTooManyStores: { en: 'More than {0} stores: narrow it (an organization, a region, some items) or ask for fewer', es: 'Más de {0} depósitos: acótelo (un establecimiento, una región, algunos artículos)' },
});
