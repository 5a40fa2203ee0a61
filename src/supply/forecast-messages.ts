import { defineMessages } from '../fhir/messages.js';

/** Texts of demand forecasting (en / es). */
defineMessages('supply', {
  forecastTooShort: {
    en: 'Too short a history to forecast {0}: {1} month(s) with consumption in the {2} month(s) from {3} to {4}; at least {5} are needed',
    es: 'Historia demasiado corta para pronosticar {0}: {1} mes(es) con consumo en los {2} mes(es) de {3} a {4}; se necesitan al menos {5}',
  },
  forecastSeasonalTooShort: {
    en: 'The seasonal method needs at least {0} months of history (two seasons of 12); {1} has {2}',
    es: 'El método estacional necesita al menos {0} meses de historia (dos temporadas de 12); {1} tiene {2}',
  },
  forecastRange: { en: 'Invalid parameter {0}: {1} (an integer from {2} to {3})', es: 'Parámetro inválido {0}: {1} (un entero de {2} a {3})' },
});
