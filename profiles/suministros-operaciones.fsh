// Las operaciones del stock: Location/$stock-on-hand, $stock-card, $fefo …, y Observation/$ingest-readings (cadena de frío). Ver la página "Suministros y stock".

Instance: location-stock-on-hand
InstanceOf: OperationDefinition
Title: "Stock disponible (Location/$stock-on-hand)"
Description: "El stock de cada depósito, artículo y lote (con su vencimiento)."
Usage: #definition
* insert MetadatosOperacionPY
* url = "https://fhir.mspbs.gov.py/OperationDefinition/location-stock-on-hand"
* name = "LocationStockOnHand"
* title = "Stock disponible (Location/$stock-on-hand)"
* description = """El saldo de cada depósito (Location), artículo y lote, con su vencimiento, tal como lo lleva el libro de stock: de un depósito (`Location/[id]/$stock-on-hand`), de los nombrados en `location`, de los de un establecimiento (`organization`), o de todos los que el solicitante ve (un cliente ligado a un establecimiento ve los suyos y los de los establecimientos que abastece — `Organization.partOf` —; uno ligado a una región, los de su región). Sin `zero=true` se omiten los lotes en cero. Errores: 400 si un parámetro es inválido; 404 si un depósito nombrado no existe o no es visible; 422 too-costly con más de 200000 líneas."""
* affectsState = false
* code = #stock-on-hand
* resource = #Location
* system = false
* type = true
* instance = true
* parameter[0].name = #location
* parameter[0].use = #in
* parameter[0].min = 0
* parameter[0].max = "*"
* parameter[0].type = #Reference
* parameter[0].documentation = "Depósitos (Location), 100 como máximo (a nivel de tipo)."
* parameter[1].name = #organization
* parameter[1].use = #in
* parameter[1].min = 0
* parameter[1].max = "1"
* parameter[1].type = #Reference
* parameter[1].documentation = "Los depósitos de este establecimiento (Location.managingOrganization)."
* parameter[2].name = #item
* parameter[2].use = #in
* parameter[2].min = 0
* parameter[2].max = "*"
* parameter[2].type = #string
* parameter[2].documentation = "Artículos como `system|code` (py-articulo-suministro), 100 como máximo; todos si falta."
* parameter[3].name = #zero
* parameter[3].use = #in
* parameter[3].min = 0
* parameter[3].max = "1"
* parameter[3].type = #boolean
* parameter[3].documentation = "true: incluye los lotes con saldo cero."
* parameter[4].name = #line
* parameter[4].use = #out
* parameter[4].min = 0
* parameter[4].max = "*"
* parameter[4].documentation = "Una línea por depósito, artículo y lote: `location` (Reference), `item` (Coding), `lot`, `expiry` (date), `quantity` (decimal)."

Instance: location-stock-card
InstanceOf: OperationDefinition
Title: "Tarjeta de stock (Location/[id]/$stock-card)"
Description: "Cada movimiento de un artículo en un depósito, en orden, con su saldo acumulado."
Usage: #definition
* insert MetadatosOperacionPY
* url = "https://fhir.mspbs.gov.py/OperationDefinition/location-stock-card"
* name = "LocationStockCard"
* title = "Tarjeta de stock (Location/[id]/$stock-card)"
* description = """La tarjeta de stock de un artículo en un depósito: cada movimiento (recepción, transferencia, dispensación, ajuste, recuento) en el orden en que ocurrió (su fecha; a igual fecha, el orden de registro), con su motivo, lote, cantidad (+ entra, − sale; un recuento registra la diferencia y lo contado), el saldo acumulado y el recurso que lo hizo. `start`/`end` acotan lo que se muestra, no el saldo. Errores: 400 sin `item` o con un parámetro inválido; 404 si el depósito no es visible."""
* affectsState = false
* code = #stock-card
* resource = #Location
* system = false
* type = false
* instance = true
* parameter[0].name = #item
* parameter[0].use = #in
* parameter[0].min = 1
* parameter[0].max = "1"
* parameter[0].type = #string
* parameter[0].documentation = "El artículo, `system|code`."
* parameter[1].name = #lot
* parameter[1].use = #in
* parameter[1].min = 0
* parameter[1].max = "1"
* parameter[1].type = #string
* parameter[1].documentation = "Solo este lote; todos si falta."
* parameter[2].name = #start
* parameter[2].use = #in
* parameter[2].min = 0
* parameter[2].max = "1"
* parameter[2].type = #dateTime
* parameter[2].documentation = "Desde (inclusive)."
* parameter[3].name = #end
* parameter[3].use = #in
* parameter[3].min = 0
* parameter[3].max = "1"
* parameter[3].type = #dateTime
* parameter[3].documentation = "Hasta (una fecha incluye ese día)."
* parameter[4].name = #movement
* parameter[4].use = #out
* parameter[4].min = 0
* parameter[4].max = "*"
* parameter[4].documentation = "Un movimiento: `date`, `reason` (py-motivo-movimiento-stock), `lot`, `quantity`, `counted` (un recuento), `balance` y `source` (el recurso)."

Instance: location-fefo
InstanceOf: OperationDefinition
Title: "Primero en vencer, primero en salir (Location/[id]/$fefo)"
Description: "Qué lotes entregar de un artículo, los que vencen primero."
Usage: #definition
* insert MetadatosOperacionPY
* url = "https://fhir.mspbs.gov.py/OperationDefinition/location-fefo"
* name = "LocationFefo"
* title = "Primero en vencer, primero en salir (Location/[id]/$fefo)"
* description = """Para entregar `quantity` de un artículo desde un depósito: los lotes con saldo que no vencieron en `date` (hoy en Paraguay por omisión), del que vence antes al que vence después (los lotes sin vencimiento al final), con lo que conviene tomar de cada uno; `shortfall` si no alcanzan. Errores: 400 sin `item` o `quantity`, o con un parámetro inválido; 404 si el depósito no es visible."""
* affectsState = false
* code = #fefo
* resource = #Location
* system = false
* type = false
* instance = true
* parameter[0].name = #item
* parameter[0].use = #in
* parameter[0].min = 1
* parameter[0].max = "1"
* parameter[0].type = #string
* parameter[0].documentation = "El artículo, `system|code`."
* parameter[1].name = #quantity
* parameter[1].use = #in
* parameter[1].min = 1
* parameter[1].max = "1"
* parameter[1].type = #decimal
* parameter[1].documentation = "Cuánto se quiere entregar (> 0)."
* parameter[2].name = #date
* parameter[2].use = #in
* parameter[2].min = 0
* parameter[2].max = "1"
* parameter[2].type = #date
* parameter[2].documentation = "El día de la entrega: un lote que vence ese día o antes no se ofrece."
* parameter[3].name = #lot
* parameter[3].use = #out
* parameter[3].min = 0
* parameter[3].max = "*"
* parameter[3].documentation = "Un lote: `lot`, `expiry`, `available` y `take`."
* parameter[4].name = #shortfall
* parameter[4].use = #out
* parameter[4].min = 0
* parameter[4].max = "1"
* parameter[4].type = #decimal
* parameter[4].documentation = "Lo que falta cuando los lotes no alcanzan."

Instance: observation-ingest-readings
InstanceOf: OperationDefinition
Title: "Ingesta de lecturas de temperatura (Observation/$ingest-readings)"
Description: "Las lecturas de temperatura de heladeras y congeladores de un registrador, en una transacción."
Usage: #definition
* insert MetadatosOperacionPY
* url = "https://fhir.mspbs.gov.py/OperationDefinition/observation-ingest-readings"
* name = "ObservationIngestReadings"
* title = "Ingesta de lecturas de temperatura (Observation/$ingest-readings)"
* description = """Las lecturas de temperatura (Observation py-cadena-frio#temperatura-equipo de un Device) de un registrador, todas en una transacción: el cuerpo es un Bundle (transaction, batch o collection) cuyas entradas son las Observations a crear — el mismo Bundle que el registrador enviaría como transacción a la base —, y la respuesta es el Bundle transaction-response que daría POST [base]. Todo o nada: una lectura inválida es un 422 que nombra su entrada y no se guarda ninguna. Más rápida que la transacción porque una lectura en su forma simple (solo status, code, subject o device, effectiveDateTime o effectiveInstant con hora y zona, valueQuantity en Cel, meta.profile) se valida entera solo cuando es la primera de su forma en el lote; las demás se controlan en el formato de su Device, su hora y su valor, que es todo lo que puede cambiar el veredicto. Las lecturas de otra forma, y todas cuando REQUIRED_PROFILES exige perfiles a Observation, se validan enteras. Lo demás es igual que en cualquier escritura: reglas de acceso, referencias (el Device debe existir), índice de búsqueda, cadena de frío (excursiones), suscripciones y auditoría. Errores: 400 si el cuerpo no es un Bundle de esos tipos o una entrada no es una Observation a crear; 422 si una lectura no es válida (y 4xx de la escritura)."""
* affectsState = true
* code = #ingest-readings
* resource = #Observation
* system = false
* type = true
* instance = false
* parameter[0].name = #readings
* parameter[0].use = #in
* parameter[0].min = 0
* parameter[0].max = "1"
* parameter[0].type = #Bundle
* parameter[0].documentation = "Las lecturas (si el cuerpo es un Parameters); si no, el cuerpo es el Bundle mismo."
* parameter[1].name = #return
* parameter[1].use = #out
* parameter[1].min = 1
* parameter[1].max = "1"
* parameter[1].type = #Bundle
* parameter[1].documentation = "El Bundle transaction-response: por lectura, 201 Created y su Location."
