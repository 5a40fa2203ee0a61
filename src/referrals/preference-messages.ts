import { defineMessages } from '../fhir/messages.js';

/** Texts of the patient's care preference on referrals (en / es): the same namespace as referrals, whose keys merge. */
defineMessages('referrals', {
  preferenceDeclined: {
    en: '{0} does not want traditional care (py-preferencia-atencion atencionTradicional = false): {1} cannot go to {2}',
    es: '{0} no quiere atención de medicina tradicional (py-preferencia-atencion atencionTradicional = false): {1} no puede ir a {2}',
  },
  preferenceNoConsent: {
    en: '{0} has not consented to share clinical information with traditional healers (py-preferencia-atencion compartirConAgentes = true is missing): {1} to {2} cannot carry {3}; send it without it, or record the consent first',
    es: '{0} no consintió compartir su información clínica con agentes de medicina tradicional (falta py-preferencia-atencion compartirConAgentes = true): {1} hacia {2} no puede llevar {3}; envíela sin ella o registre antes el consentimiento',
  },
});
