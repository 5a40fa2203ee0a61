import { defineMessages } from '../fhir/messages.js';

/** Texts of the exchange feature (en / es). */
defineMessages('exchange', {
  needPatient: {
    en: 'Patient/$summary needs the patient: Patient/[id]/$summary, or Patient/$summary?identifier=system|value',
    es: 'Patient/$summary necesita el paciente: Patient/[id]/$summary, o Patient/$summary?identifier=sistema|valor',
  },
  idAndIdentifier: {
    en: 'Give either the patient id (Patient/[id]/$summary) or identifier, not both',
    es: 'Indique el id del paciente (Patient/[id]/$summary) o identifier, no ambos',
  },
  unknownParam: { en: 'Patient/$summary has no parameter {0} (it takes identifier, profile and signed)', es: 'Patient/$summary no tiene el parámetro {0} (admite identifier, profile y signed)' },
  repeatedParam: { en: 'The parameter {0} may be given once', es: 'El parámetro {0} se admite una sola vez' },
  badParam: { en: 'Invalid value for the parameter {0}: {1}', es: 'Valor inválido para el parámetro {0}: {1}' },
  unsupportedProfile: {
    en: 'This server builds the IPS only ({1}); it cannot build the profile {0}',
    es: 'Este servidor arma solo el IPS ({1}); no puede armar el perfil {0}',
  },
  noPatient: { en: 'No patient has the identifier {0}', es: 'Ningún paciente tiene el identificador {0}' },
  manyPatients: { en: 'More than one patient has the identifier {0}: name the patient by id', es: 'Más de un paciente tiene el identificador {0}: indique el paciente por su id' },
});
