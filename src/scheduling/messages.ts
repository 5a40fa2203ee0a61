import { defineMessages } from '../fhir/messages.js';

/** Texts of scheduling (en / es). */
defineMessages('scheduling', {
  badTime: { en: '{0}: "{1}" is not a time (hh:mm or hh:mm:ss)', es: '{0}: "{1}" no es una hora (hh:mm o hh:mm:ss)' },
  badBlock: { en: 'Invalid availability in {0}: {1}', es: 'Disponibilidad inválida en {0}: {1}' },
  tooManySlots: { en: 'The availability gives more than {0} slots within the planning horizon', es: 'La disponibilidad genera más de {0} turnos dentro del horizonte de planificación' },
  tooManyPlaces: { en: 'The place asked for holds more than {0} locations, roles and services: narrow it (a district, a smaller distance)', es: 'El lugar pedido abarca más de {0} lugares, roles y servicios: acótelo (un distrito, una distancia menor)' },
  unknownPatient: { en: 'The patient {0} does not exist', es: 'El paciente {0} no existe' },
  unknownSlot: { en: 'The slot {0} does not exist', es: 'El turno {0} no existe' },
  slotUnavailable: { en: 'The slot {0} cannot be booked (status {1})', es: 'El turno {0} no se puede reservar (estado {1})' },
  slotFull: { en: 'The slot {0} is full (capacity {1}, overbooking {2})', es: 'El turno {0} está completo (capacidad {1}, sobreturnos {2})' },
  participantBusy: { en: '{0} is already in {1} from {2} to {3}', es: '{0} ya tiene {1} de {2} a {3}' },
  missingParam: { en: 'Missing parameter: {0}', es: 'Falta el parámetro: {0}' },
  periodTooLong: { en: 'The period from start to end is longer than {0} days', es: 'El período entre start y end supera los {0} días' },
  endBeforeStart: { en: 'end ({1}) is before start ({0})', es: 'end ({1}) es anterior a start ({0})' },
  notAnAppointment: { en: 'The parameter {0} must be an Appointment', es: 'El parámetro {0} debe ser un Appointment' },
  noSlot: { en: 'The appointment names no slot (Appointment.slot)', es: 'La cita no indica ningún turno (Appointment.slot)' },
  slotMismatch: { en: 'The appointment ({0} to {1}) does not match its slots ({2} to {3})', es: 'La cita ({0} a {1}) no coincide con sus turnos ({2} a {3})' },
  noPatient: { en: 'The appointment has no patient participant', es: 'La cita no tiene un paciente como participante' },
  holdExpired: { en: 'The hold {0} expired at {1}', es: 'La reserva provisoria {0} venció a las {1}' },
  notHeld: { en: '{0} is not a hold (status {1})', es: '{0} no es una reserva provisoria (estado {1})' },
  identifierTaken: { en: 'Another appointment ({0}, status {2}) has the identifier {1}', es: 'Otra cita ({0}, estado {2}) tiene el identificador {1}' },
  generatedSchedule: {
    en: 'The slots of {0} are generated from its availability (py-disponibilidad): {1} cannot be written by a client; add an availability block, or mark a generated slot busy-unavailable',
    es: 'Los turnos de {0} se generan de su disponibilidad (py-disponibilidad): un cliente no puede escribir {1}; agregue un bloque de disponibilidad o marque un turno generado como busy-unavailable',
  },
});
