/**
 * OperationOutcome texts in English, Spanish and (where a translation exists) Guaraní.
 * Guaraní strings are marked for review by a speaker in docs/i18n.md.
 */
export type Lang = 'en' | 'es' | 'gn';

type Template = Partial<Record<Lang, string>> & { en: string };

export const MESSAGES = {
  notFound: { en: 'Resource {0} not found', es: 'No se encontró el recurso {0}', gn: "Ndojejuhúi pe recurso {0}" },
  gone: { en: 'Resource {0} was deleted', es: 'El recurso {0} fue eliminado', gn: 'Pe recurso {0} oñembogue' },
  unknownType: { en: 'Unknown resource type "{0}"', es: 'Tipo de recurso desconocido "{0}"' },
  unknownRoute: { en: 'No such endpoint: {0} {1}', es: 'No existe el punto de acceso: {0} {1}' },
  methodNotAllowed: { en: 'Method {0} is not allowed on {1}', es: 'El método {0} no está permitido en {1}' },
  readOnlyResource: { en: '{1} comes from the package {2} and is read-only: method {0} is not allowed (store a resource of your own, with its own id, to change it)', es: '{1} proviene del paquete {2} y es de solo lectura: el método {0} no está permitido (guarde un recurso propio, con su propio id, para modificarlo)' },
  packageSearchUnsupported: { en: 'Parameter "{0}" cannot be evaluated on the resources of loaded packages: only stored resources were searched', es: 'El parámetro "{0}" no puede evaluarse sobre los recursos de los paquetes cargados: solo se buscó en los recursos guardados' },
  invalidJson: { en: 'The body is not valid JSON: {0}', es: 'El cuerpo no es JSON válido: {0}' },
  bodyRequired: { en: 'A resource body is required', es: 'Se requiere un recurso en el cuerpo' },
  notAResource: { en: 'The body is not a FHIR resource (resourceType missing)', es: 'El cuerpo no es un recurso FHIR (falta resourceType)' },
  typeMismatch: { en: 'Body resourceType "{0}" does not match the URL type "{1}"', es: 'El resourceType "{0}" del cuerpo no coincide con el tipo "{1}" de la URL' },
  idMismatch: { en: 'Body id "{0}" does not match the URL id "{1}"', es: 'El id "{0}" del cuerpo no coincide con el id "{1}" de la URL' },
  idRequired: { en: 'The resource must have an id matching the URL for update', es: 'El recurso debe tener un id igual al de la URL para actualizar' },
  invalidId: { en: 'Invalid resource id "{0}"', es: 'Id de recurso inválido "{0}"' },
  tooDeep: { en: 'The JSON is nested deeper than {0} levels (limit {1})', es: 'El JSON tiene más de {0} niveles de anidamiento (límite {1})' },
  tooWide: { en: '{2}: more than {0} members or items in one JSON object or array (limit {1})', es: '{2}: más de {0} miembros o elementos en un objeto o arreglo JSON (límite {1})' },
  stringTooLong: { en: '{2}: a string longer than {0} characters (limit {1})', es: '{2}: una cadena de más de {0} caracteres (límite {1})' },
  tooManyElements: { en: '{2}: a resource with more than {0} elements (limit {1})', es: '{2}: un recurso con más de {0} elementos (límite {1})' },
  tooManyEntries: { en: '{2}: a bundle with more than {0} entries (limit {1})', es: '{2}: un bundle con más de {0} entradas (límite {1})' },
  tooManyParams: { en: 'More than {0} parameters in one request (limit {1})', es: 'Más de {0} parámetros en una solicitud (límite {1})' },
  tooManyValues: { en: 'Parameter "{2}": more than {0} values (limit {1})', es: 'Parámetro "{2}": más de {0} valores (límite {1})' },
  chainTooDeep: { en: 'Parameter "{2}": chains and _has deeper than {0} steps (limit {1})', es: 'Parámetro "{2}": cadenas y _has de más de {0} pasos (límite {1})' },
  tooManyIncludes: { en: 'More than {0} _include and _revinclude parameters (limit {1})', es: 'Más de {0} parámetros _include y _revinclude (límite {1})' },
  tooManyIncluded: { en: 'The page includes more than {0} resources through _include/_revinclude (limit {1}); ask for a smaller _count or fewer includes', es: 'La página incluye más de {0} recursos por _include/_revinclude (límite {1}); pida un _count menor o menos inclusiones' },
  invalidEncoding: { en: '{0}: malformed percent-encoding or not UTF-8: "{1}"', es: '{0}: codificación por porcentaje mal formada o no UTF-8: "{1}"' },
  controlCharacter: { en: '{0}: control characters are not allowed: "{1}"', es: '{0}: no se admiten caracteres de control: "{1}"' },
  invalidUtf8: { en: 'The body is not valid UTF-8 text', es: 'El cuerpo no es texto UTF-8 válido' },
  unsupportedCharset: { en: 'Unsupported charset "{0}": only UTF-8', es: 'Juego de caracteres no soportado "{0}": solo UTF-8' },
  nullInArray: { en: '{0}: null in an array (FHIR JSON allows it only beside a primitive array\'s _ twin)', es: '{0}: null en un arreglo (FHIR JSON solo lo admite junto al gemelo _ de un arreglo de primitivos)' },
  wrongJsonType: { en: '{0}: must be a JSON {1}', es: '{0}: debe ser un {1} JSON' },
  malformedRequest: { en: 'Malformed HTTP request: {0}', es: 'Solicitud HTTP mal formada: {0}' },
  resourceExists: { en: '{0} exists (If-None-Match: *)', es: '{0} ya existe (If-None-Match: *)' },
  ifNoneMatchInvalid: { en: 'Invalid If-None-Match header "{0}"', es: 'Encabezado If-None-Match inválido "{0}"' },
  tooLarge: { en: 'The request body exceeds the limit of {0} bytes (MAX_BODY_BYTES)', es: 'El cuerpo de la solicitud supera el límite de {0} bytes (MAX_BODY_BYTES)' },
  unsupportedMediaType: { en: 'Unsupported media type "{0}"', es: 'Tipo de contenido no soportado "{0}"' },
  notAcceptable: { en: 'Only JSON is supported (requested "{0}")', es: 'Solo se admite JSON (se pidió "{0}")' },
  invalidResource: { en: 'Invalid resource: {0}', es: 'Recurso inválido: {0}' },
  versionConflict: { en: 'Version conflict: {0} is at version {1}, not {2}', es: 'Conflicto de versión: {0} está en la versión {1}, no {2}' },
  ifMatchInvalid: { en: 'Invalid If-Match header "{0}"', es: 'Encabezado If-Match inválido "{0}"' },
  multipleMatches: { en: 'The condition "{0}" matches {1} resources', es: 'La condición "{0}" coincide con {1} recursos' },
  conditionNoMatch: { en: 'The conditional reference "{0}" matches no resource', es: 'La referencia condicional "{0}" no coincide con ningún recurso' },
  invalidReference: { en: 'Reference "{0}" points to a resource that does not exist', es: 'La referencia "{0}" apunta a un recurso que no existe' },
  invalidCondition: { en: 'Invalid condition "{0}"', es: 'Condición inválida "{0}"' },
  invalidParam: { en: 'Invalid value for search parameter "{0}": {1}', es: 'Valor inválido para el parámetro de búsqueda "{0}": {1}' },
  unknownParam: { en: 'Unknown or unsupported search parameter "{0}"', es: 'Parámetro de búsqueda desconocido o no soportado "{0}"' },
  unsupportedModifier: { en: 'Modifier ":{1}" is not supported on "{0}"', es: 'El modificador ":{1}" no está soportado en "{0}"' },
  versionNotFound: { en: 'Version {1} of {0} not found', es: 'No se encontró la versión {1} de {0}' },
  invalidPatch: { en: 'Invalid patch: {0}', es: 'Parche inválido: {0}' },
  patchTestFailed: { en: 'Patch test operation failed: {0}', es: 'Falló la operación test del parche: {0}' },
  invalidBundle: { en: 'Invalid bundle: {0}', es: 'Bundle inválido: {0}' },
  bundleEntry: { en: 'Entry {0}: {1}', es: 'Entrada {0}: {1}' },
  duplicateEntry: { en: 'Resource {0} appears more than once in the transaction', es: 'El recurso {0} aparece más de una vez en la transacción' },
  deleted: { en: 'Deleted {0}', es: 'Se eliminó {0}' },
  nothingToDelete: { en: 'No resource matched; nothing was deleted', es: 'Ningún recurso coincidió; no se eliminó nada' },
  created: { en: 'Created {0}', es: 'Se creó {0}', gn: 'Ojejapo {0}' },
  updated: { en: 'Updated {0}', es: 'Se actualizó {0}' },
  ok: { en: 'All OK', es: 'Todo correcto', gn: 'Opaite iporã' },
  internal: { en: 'Internal server error (request {0})', es: 'Error interno del servidor (solicitud {0})' },
  invalidHistoryParam: { en: 'Invalid history parameter {0}: {1}', es: 'Parámetro de historial inválido {0}: {1}' },
  invalidFormat: { en: 'Unsupported _format "{0}"', es: '_format no soportado "{0}"' },
  invalidSummary: { en: 'Invalid _summary "{0}"', es: '_summary inválido "{0}"' },
  conflict: { en: 'Conflicting concurrent write of {0}; retry', es: 'Escritura concurrente en conflicto de {0}; reintente' },
  unavailable: { en: 'Database unavailable', es: 'Base de datos no disponible' },
  queryTimeout: {
    en: 'The query took longer than the {0} ms limit (QUERY_TIMEOUT_MS) and was cancelled',
    es: 'La consulta tardó más que el límite de {0} ms (QUERY_TIMEOUT_MS) y fue cancelada',
  },
  queryTimeoutEmbedded: {
    en: 'The query was cancelled after {0} ms: the embedded database must serve other requests again within the {1} ms limit (QUERY_TIMEOUT_MS), and restarting it after a cancelled statement takes part of that time',
    es: 'La consulta fue cancelada tras {0} ms: la base de datos embebida debe volver a atender otras solicitudes dentro del límite de {1} ms (QUERY_TIMEOUT_MS), y reiniciarla tras una sentencia cancelada ocupa parte de ese tiempo',
  },
  transactionStalled: {
    en: 'The request was rolled back: its transaction held the embedded database for {0} ms without using it while other requests waited, past the {1} ms allowed (a multiple of QUERY_TIMEOUT_MS); retry',
    es: 'La solicitud se revirtió: su transacción retuvo la base de datos embebida {0} ms sin usarla mientras otras solicitudes esperaban, más que los {1} ms permitidos (un múltiplo de QUERY_TIMEOUT_MS); reintente',
  },
  badParam: { en: 'Invalid parameter {0}: {1}', es: 'Parámetro inválido {0}: {1}' },
  unknownOperation: { en: 'Unknown operation {0} on {1}', es: 'Operación desconocida {0} en {1}' },
} satisfies Record<string, Template>;

/** A core message, or a feature's own message as "feature.key" (registered with defineMessages). */
export type MessageKey = keyof typeof MESSAGES | `${string}.${string}`;

const featureMessages = new Map<string, Template>();

/** Lets a feature module keep its messages beside its code: defineMessages('security', { noToken: {...} }) → 'security.noToken'. */
export function defineMessages(feature: string, messages: Record<string, Template>): void {
  for (const [k, t] of Object.entries(messages)) featureMessages.set(`${feature}.${k}`, t);
}

export function formatMessage(key: MessageKey, params: readonly (string | number)[], lang: Lang): string {
  const t: Template = (MESSAGES as Record<string, Template>)[key] ?? featureMessages.get(key) ?? { en: key };
  const template = t[lang] ?? (lang === 'gn' ? t.es : undefined) ?? t.en;
  return template.replace(/\{(\d+)\}/g, (_, i: string) => String(params[Number(i)] ?? ''));
}

/** Picks the best language from an Accept-Language header: es, gn, or en. */
export function negotiateLanguage(header: string | undefined): Lang {
  if (!header) return 'en';
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.split('-')[0], q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag === 'es' || tag === 'gn' || tag === 'en') return tag;
    if (tag === 'grn') return 'gn';
  }
  return 'en';
}
