// La reposición y la alerta temprana del stock: Location/[id]/$replenish y $stock-alerts. Ver la página "Suministros y stock".

Instance: location-replenish
InstanceOf: OperationDefinition
Title: "Reposición (Location/[id]/$replenish)"
Description: "Propone el pedido de cada artículo de un depósito con las fórmulas de OpenLMIS y lo deja esperando su aprobación (una Task)."
Usage: #definition
* insert MetadatosOperacionPY
* url = "https://fhir.mspbs.gov.py/OperationDefinition/location-replenish"
* name = "LocationReplenish"
* title = "Reposición (Location/[id]/$replenish)"
* description = """El pedido de reposición de un depósito, con las fórmulas de requisición de OpenLMIS sobre el libro de stock. Por cada artículo que se movió en el depósito (o los nombrados en `item`), y por cada uno de los últimos `periods` meses completos (3 por omisión; hora del Paraguay, UTC−03:00) en que el artículo ya estaba en el depósito: el consumo C (dispensaciones y consumos del mes) y los días sin stock X (el tiempo en que el saldo del artículo, todos sus lotes, estuvo en cero, redondeado al día). Consumo ajustado N = ⌈C × 30 / (30 − X)⌉ (N = C si X ≥ 30); consumo mensual promedio P = ⌈promedio de N⌉; máximo H = ⌈P × meses de cobertura⌉; pedido I = máx(0, ⌈H − E − O⌉), con E el stock disponible y O lo que está en pedido (SupplyRequest `active` entregados al depósito y todavía no recibidos); meses de stock = E / P. Meses de cobertura: 3 (revisión mensual); un puesto de salud (tipo `PS` de py-tipo-establecimiento, del depósito, del Location del que es parte o de su Organization) 6 (revisión cada 3 meses); si un cierre estacional (`mesInaccesible` de py-accesibilidad-estacional) empieza este mes o dentro del ciclo de revisión, el pedido se adelanta (prioridad `urgent`, a entregar antes del cierre) y cubre además los meses del cierre. Sin `dry-run=true`, en una sola transacción: un SupplyRequest `draft` por artículo con pedido > 0 (`itemCodeableConcept`, `quantity`, `deliverTo` = el depósito, `requester` = su establecimiento, `supplier` = el que lo abastece, `parameter` con las cifras de py-variable-reposicion, `reasonCode.text` con la cuenta, `identifier` pedido-reposicion = la Task) y una Task de aprobación (`requested`, `intent` = order, `code` = py-reposicion#aprobar-pedido, `focus` = el primer pedido, `input` = todos, `for` y `requester` = el establecimiento, `owner` = el que lo abastece o, si no hay, el establecimiento). Cuando la Task pasa a `completed` sus pedidos pasan a `active` (en pedido); `rejected` o `cancelled` los cancela; una SupplyDelivery `completed` con `basedOn` = el pedido lo completa (recibido). Errores: 400 con un parámetro inválido; 404 si el depósito no existe o no es visible; 409 si la reposición anterior del depósito todavía espera su aprobación; 422 too-costly con más de 1000 artículos."""
* affectsState = true
* code = #replenish
* resource = #Location
* system = false
* type = false
* instance = true
* parameter[0].name = #item
* parameter[0].use = #in
* parameter[0].min = 0
* parameter[0].max = "*"
* parameter[0].type = #string
* parameter[0].documentation = "Artículos como `system|code` (py-articulo-suministro), 100 como máximo; todos los que se movieron en el depósito si falta."
* parameter[1].name = #periods
* parameter[1].use = #in
* parameter[1].min = 0
* parameter[1].max = "1"
* parameter[1].type = #integer
* parameter[1].documentation = "Meses completos del promedio (1 a 12; 3 por omisión)."
* parameter[2].name = #dry-run
* parameter[2].use = #in
* parameter[2].min = 0
* parameter[2].max = "1"
* parameter[2].type = #boolean
* parameter[2].documentation = "true: solo calcula; no escribe nada."
* parameter[3].name = #policy
* parameter[3].use = #out
* parameter[3].min = 1
* parameter[3].max = "1"
* parameter[3].documentation = "La política del depósito: `facility`, `supplier`, `facilityType`, `rural`, `maxPeriodsOfStock`, `reviewCycle`, `closure` (`start`, `month`), `broughtForward`, `coverMonths`."
* parameter[4].name = #item
* parameter[4].use = #out
* parameter[4].min = 0
* parameter[4].max = "*"
* parameter[4].documentation = "Un artículo: `item` (Coding), `amc`, `mos`, `max`, `onHand`, `onOrder`, `stockoutDays`, `quantity` (el pedido), `supplyRequest` (Reference, si se pidió) y un `period` por mes (`month`, `consumption`, `stockoutDays`, `adjusted`)."
* parameter[5].name = #task
* parameter[5].use = #out
* parameter[5].min = 0
* parameter[5].max = "1"
* parameter[5].type = #Reference
* parameter[5].documentation = "La Task de aprobación (si algún artículo tiene pedido)."

Instance: location-stock-alerts
InstanceOf: OperationDefinition
Title: "Alertas de stock (Location/[id]/$stock-alerts)"
Description: "Los artículos de un depósito con pocos meses de stock y los lotes que vencen pronto; con `raise=true`, una Flag por alerta."
Usage: #definition
* insert MetadatosOperacionPY
* url = "https://fhir.mspbs.gov.py/OperationDefinition/location-stock-alerts"
* name = "LocationStockAlerts"
* title = "Alertas de stock (Location/[id]/$stock-alerts)"
* description = """La alerta temprana de un depósito: `stock-bajo` para cada artículo cuyos meses de stock (stock disponible / consumo mensual promedio, calculado como en $replenish) son menos que `mos` (1 por omisión; un artículo sin consumo no alerta); `vencimiento-proximo` para cada lote con saldo que vence dentro de `days` días (90 por omisión) o ya venció. Con `raise=true` (solo POST), en una transacción: una Flag por alerta (`category` = py-alerta-stock, `subject` = el depósito, `author` = su establecimiento, `status` = active, `period.start` = ahora), salvo que ya haya una activa para el mismo depósito, artículo, lote y tipo (identifier alerta-stock); las Flags activas del depósito cuya condición ya no se cumple pasan a `inactive` con `period.end`. Las suscripciones (`Flag?subject=Location/…`) las entregan como cualquier otra escritura. Errores: 400 con un parámetro inválido; 404 si el depósito no existe o no es visible; 405 con `raise=true` por GET."""
* affectsState = false
* code = #stock-alerts
* resource = #Location
* system = false
* type = false
* instance = true
* parameter[0].name = #item
* parameter[0].use = #in
* parameter[0].min = 0
* parameter[0].max = "*"
* parameter[0].type = #string
* parameter[0].documentation = "Artículos como `system|code`, 100 como máximo; todos si falta."
* parameter[1].name = #mos
* parameter[1].use = #in
* parameter[1].min = 0
* parameter[1].max = "1"
* parameter[1].type = #decimal
* parameter[1].documentation = "Umbral de meses de stock (> 0; 1 por omisión)."
* parameter[2].name = #days
* parameter[2].use = #in
* parameter[2].min = 0
* parameter[2].max = "1"
* parameter[2].type = #integer
* parameter[2].documentation = "Días hasta el vencimiento (0 a 3650; 90 por omisión)."
* parameter[3].name = #periods
* parameter[3].use = #in
* parameter[3].min = 0
* parameter[3].max = "1"
* parameter[3].type = #integer
* parameter[3].documentation = "Meses completos del consumo mensual promedio (1 a 12; 3 por omisión)."
* parameter[4].name = #raise
* parameter[4].use = #in
* parameter[4].min = 0
* parameter[4].max = "1"
* parameter[4].type = #boolean
* parameter[4].documentation = "true (POST): escribe una Flag por alerta, una sola activa a la vez."
* parameter[5].name = #alert
* parameter[5].use = #out
* parameter[5].min = 0
* parameter[5].max = "*"
* parameter[5].documentation = "Una alerta: `kind` (py-alerta-stock), `item`, `lot`, `expiry`, `daysToExpiry`, `quantity`, `amc`, `mos` y `flag` (Reference, con raise)."
* parameter[6].name = #resolved
* parameter[6].use = #out
* parameter[6].min = 0
* parameter[6].max = "*"
* parameter[6].type = #Reference
* parameter[6].documentation = "Con raise: las Flags que pasaron a inactive."
