// Suministros y stock: recepciones y transferencias (SupplyDelivery), dispensaciones (MedicationDispense), ajustes y
// recuentos físicos (Basic). El servidor lleva el stock de cada lugar (Location), artículo y lote a partir de ellos.
// Ver la página "Suministros y stock".

Extension: PYLote
Id: py-lote
Title: "Lote y vencimiento"
Description: "El lote de los artículos de un movimiento de stock: su número y su fecha de vencimiento. El servidor lleva el stock por lote y entrega primero el que vence antes (FEFO)."
Context: SupplyDelivery.suppliedItem, MedicationDispense, Basic
* insert MetadatosPY
* extension contains numero 1..1 and vencimiento 0..1
* extension[numero] ^short = "Número de lote del fabricante"
* extension[numero].value[x] 1..1
* extension[numero].value[x] only string
* extension[vencimiento] ^short = "Fecha de vencimiento del lote"
* extension[vencimiento].value[x] 1..1
* extension[vencimiento].value[x] only date

Extension: PYOrigen
Id: py-origen
Title: "Depósito de origen (transferencia)"
Description: "El depósito (Location) del que salen los artículos de una entrega: la entrega es una transferencia, que debita el stock del origen y acredita el del destino (SupplyDelivery.destination)."
Context: SupplyDelivery
* insert MetadatosPY
* value[x] 1..1
* value[x] only Reference(Location)

Extension: PYDatosMovimientoStock
Id: py-movimiento-stock
Title: "Movimiento de stock"
Description: "Qué registra un ajuste o un recuento físico: el lugar, el artículo, la cantidad, el motivo (py-motivo-movimiento-stock: crédito, débito o balance) y la fecha. El lote va en la extensión py-lote del mismo recurso."
Context: Basic
* insert MetadatosPY
* extension contains ubicacion 1..1 and articulo 1..1 and cantidad 1..1 and motivo 1..1 and fecha 1..1
* extension[ubicacion] ^short = "El lugar (depósito) cuyo stock cambia"
* extension[ubicacion].value[x] 1..1
* extension[ubicacion].value[x] only Reference(Location)
* extension[articulo] ^short = "El artículo (py-articulo-suministro)"
* extension[articulo].value[x] 1..1
* extension[articulo].value[x] only CodeableConcept
* extension[articulo].valueCodeableConcept from PYArticuloSuministroVS (required)
* extension[cantidad] ^short = "Cantidad movida (> 0), o el saldo contado en un recuento (≥ 0), en la unidad del artículo"
* extension[cantidad].value[x] 1..1
* extension[cantidad].value[x] only decimal
* extension[motivo] ^short = "Motivo (py-motivo-movimiento-stock): dice si acredita, debita o fija el saldo"
* extension[motivo].value[x] 1..1
* extension[motivo].value[x] only Coding
* extension[motivo].valueCoding from PYMotivoMovimientoStockVS (required)
* extension[motivo].valueCoding.system 1..1
* extension[motivo].valueCoding.code 1..1
* extension[fecha] ^short = "Cuándo ocurrió (o cuándo se contó)"
* extension[fecha].value[x] 1..1
* extension[fecha].value[x] only dateTime
* obeys py-sum-4

Invariant: py-sum-4
Description: "La cantidad es mayor que 0; en un recuento (motivo recuento), el saldo contado es mayor o igual que 0."
Expression: "extension('cantidad').value > 0 or (extension('cantidad').value >= 0 and extension('motivo').value.code = 'recuento')"
Severity: #error

Profile: PYRecepcionSuministro
Parent: SupplyDelivery
Id: py-recepcion-suministro
Title: "Recepción de suministros (Paraguay)"
Description: """La llegada de artículos (medicamentos, vacunas, insumos, remedios) a un depósito de un establecimiento: una recepción (de un proveedor o un programa) o, con la extensión py-origen, una transferencia desde otro depósito (débito en el origen, crédito en el destino). Solo cuentan las entregas `completed`; una que pasa a `entered-in-error` deja de contar. Un lote de vacuna se recibe siempre con su número (py-lote)."""
* insert MetadatosPY
* extension contains PYOrigen named origen 0..1
* extension[origen] ^short = "Depósito de origen: la entrega es una transferencia"
* status 1..1
* status ^short = "Solo cuentan las entregas completed"
* suppliedItem 1..1
* suppliedItem.extension contains PYLote named lote 0..1
* suppliedItem.extension[lote] ^short = "Lote y vencimiento (obligatorio para una vacuna)"
* suppliedItem.quantity 1..1
* suppliedItem.quantity.value 1..1
* suppliedItem.quantity ^short = "Cantidad recibida (> 0), en la unidad del artículo"
* suppliedItem.item[x] 1..1
* suppliedItem.item[x] only CodeableConcept
* suppliedItem.item[x] from PYArticuloSuministroVS (required)
* suppliedItem.item[x] ^short = "El artículo (py-articulo-suministro)"
* suppliedItem obeys py-sum-1 and py-sum-2
* occurrence[x] 1..1
* occurrence[x] only dateTime
* occurrence[x] ^short = "Cuándo se recibió"
* destination 1..1
* destination only Reference(Location)
* destination ^short = "El depósito que recibe (su stock se acredita)"

Invariant: py-sum-1
Description: "Una vacuna (py-vacuna) se recibe con su lote (extensión py-lote)."
Expression: "item.ofType(CodeableConcept).coding.where(system = 'https://fhir.mspbs.gov.py/CodeSystem/py-vacuna').exists() implies extension('https://fhir.mspbs.gov.py/StructureDefinition/py-lote').exists()"
Severity: #error

Invariant: py-sum-2
Description: "La cantidad recibida es mayor que 0."
Expression: "quantity.value > 0"
Severity: #error

Profile: PYDispensacion
Parent: MedicationDispense
Id: py-dispensacion
Title: "Dispensación (Paraguay)"
Description: """La salida de un artículo de un depósito (`location`) para un paciente o para su uso en el establecimiento: debita el stock del lugar (y del lote, si lo dice py-lote). Solo cuentan las dispensaciones `completed`; una que pasa a `entered-in-error` deja de contar."""
* insert MetadatosPY
* extension contains PYLote named lote 0..1
* extension[lote] ^short = "Lote y vencimiento de lo dispensado"
* status ^short = "Solo cuentan las dispensaciones completed"
* medication[x] only CodeableConcept
* medication[x] from PYArticuloSuministroVS (required)
* medication[x] ^short = "El artículo (py-articulo-suministro)"
* quantity 1..1
* quantity.value 1..1
* quantity ^short = "Cantidad dispensada (> 0), en la unidad del artículo"
* location 1..1
* location only Reference(Location)
* location ^short = "El depósito del que sale (su stock se debita)"
* whenHandedOver 1..1
* whenHandedOver ^short = "Cuándo se entregó"
* obeys py-sum-3

Invariant: py-sum-3
Description: "La cantidad dispensada es mayor que 0."
Expression: "quantity.value > 0"
Severity: #error

Profile: PYMovimientoStock
Parent: Basic
Id: py-movimiento-stock-basic
Title: "Ajuste o recuento de stock (Paraguay)"
Description: """Un ajuste del stock de un artículo en un lugar (vencimiento, daño, pérdida, robo, hallazgo, devolución, excursión de temperatura, descarte por VVM …: acredita o debita según el tipo del motivo) o un recuento físico (fija el saldo en la cantidad contada). Los datos van en la extensión py-movimiento-stock y el lote en py-lote."""
* insert MetadatosPY
* code from PYTipoMovimientoStockVS (required)
* code ^short = "ajuste o recuento (py-tipo-movimiento-stock)"
* extension contains PYDatosMovimientoStock named movimiento 1..1 and PYLote named lote 0..1
* extension[movimiento] ^short = "Lugar, artículo, cantidad, motivo y fecha"
* extension[lote] ^short = "Lote y vencimiento"
* obeys py-sum-5

Invariant: py-sum-5
Description: "Un recuento tiene el motivo recuento; un ajuste, un motivo distinto de recuento."
Expression: "code.coding.where(system = 'https://fhir.mspbs.gov.py/CodeSystem/py-tipo-movimiento-stock' and code = 'recuento').exists() = extension('https://fhir.mspbs.gov.py/StructureDefinition/py-movimiento-stock').extension('motivo').value.where(system = 'https://fhir.mspbs.gov.py/CodeSystem/py-motivo-movimiento-stock' and code = 'recuento').exists()"
Severity: #error
