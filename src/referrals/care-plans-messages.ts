import { defineMessages } from '../fhir/messages.js';

/** Texts of combined care plans and their conflict rule table (en / es). */
defineMessages('referrals', {
  carePlanTooManyActivities: {
    en: 'CarePlan/{0} has {1} activities: at most {2} are checked for conflicts; split the plan',
    es: 'El CarePlan/{0} tiene {1} actividades: se revisan a lo sumo {2} en busca de conflictos; divida el plan',
  },
  carePlanTooManyConflicts: {
    en: 'CarePlan/{0} combines more than {1} pairs of treatments that conflict (ConceptMap {2}): review the plan',
    es: 'El CarePlan/{0} combina más de {1} pares de tratamientos en conflicto (ConceptMap {2}): revise el plan',
  },
  carePlanRulesTooMany: {
    en: 'The conflict rule table {0} has more than {1} rules',
    es: 'La tabla de conflictos {0} tiene más de {1} reglas',
  },
  carePlanRuleNoSystem: {
    en: 'The conflict rule table {0}: group {1} must give its source and target code systems (group.source, group.target)',
    es: 'La tabla de conflictos {0}: el grupo {1} debe indicar los sistemas de códigos de origen y de destino (group.source, group.target)',
  },
  carePlanRuleBadSeverity: {
    en: 'The conflict rule table {0}: the rule {1} → {2} gives the severity "{3}"; it must be high, moderate or low',
    es: 'La tabla de conflictos {0}: la regla {1} → {2} indica la gravedad "{3}"; debe ser high, moderate o low',
  },
});
