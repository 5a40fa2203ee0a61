// Suministros y stock en el Alto Paraguay: el depósito de la XVII Región Sanitaria (Fuerte Olimpo) abastece a la
// farmacia y vacunatorio de la USF Bahía Negra. Una recepción de pentavalente, una transferencia de amoxicilina, una
// dispensación de paracetamol, un ajuste por vencimiento y un recuento físico.

Instance: deposito-region-alto-paraguay
InstanceOf: Location
Title: "Depósito de la XVII Región Sanitaria (Fuerte Olimpo)"
Description: "Depósito regional de medicamentos, vacunas e insumos del Alto Paraguay: abastece a los establecimientos de la región."
Usage: #example
* status = #active
* name = "Depósito regional de insumos – XVII Región Sanitaria"
* mode = #instance
* physicalType = http://terminology.hl7.org/CodeSystem/location-physical-type#bu "Building"
* address.city = "Fuerte Olimpo"
* address.extension[PYDepartamento].valueCoding = PYDepartamentoCS#17 "Alto Paraguay"
* address.extension[PYDistrito].valueCoding = PYDistritoCS#1701 "FUERTE OLIMPO"
* position.latitude = -21.0415
* position.longitude = -57.8738

Instance: farmacia-usf-bahia-negra
InstanceOf: Location
Title: "Farmacia y vacunatorio de la USF Bahía Negra"
Description: "El depósito de la USF Bahía Negra (estante de medicamentos y refrigerador de vacunas): su stock es el que cuentan las operaciones de stock."
Usage: #example
* status = #active
* name = "Farmacia y vacunatorio – USF Bahía Negra"
* mode = #instance
* physicalType = http://terminology.hl7.org/CodeSystem/location-physical-type#ro "Room"
* partOf = Reference(usf-bahia-negra)

Instance: recepcion-pentavalente-bahia-negra
InstanceOf: PYRecepcionSuministro
Title: "Recepción de pentavalente en la USF Bahía Negra"
Description: "Llegan 40 dosis de vacuna pentavalente del PAI, lote PNT-2611-04 (vence el 31/08/2027), al vacunatorio de la USF Bahía Negra. Una vacuna se recibe siempre con su lote (py-sum-1)."
Usage: #example
* status = #completed
* suppliedItem.extension[lote].extension[numero].valueString = "PNT-2611-04"
* suppliedItem.extension[lote].extension[vencimiento].valueDate = "2027-08-31"
* suppliedItem.quantity.value = 40
* suppliedItem.quantity.unit = "dosis"
* suppliedItem.itemCodeableConcept = PYVacunaCS#pentavalente "Pentavalente (DPT-HB-Hib)"
* occurrenceDateTime = "2026-12-01T10:30:00-03:00"
* supplier.display = "Programa Ampliado de Inmunizaciones (PAI) – MSPBS"
* destination = Reference(farmacia-usf-bahia-negra)

Instance: transferencia-amoxicilina-bahia-negra
InstanceOf: PYRecepcionSuministro
Title: "Transferencia de amoxicilina del depósito regional a la USF Bahía Negra"
Description: "500 cápsulas de amoxicilina 500 mg (lote AMX-2607-118) salen del depósito de la XVII Región Sanitaria (py-origen: débito allí) y llegan por el río a la USF Bahía Negra (crédito en el destino)."
Usage: #example
* extension[origen].valueReference = Reference(deposito-region-alto-paraguay)
* status = #completed
* suppliedItem.extension[lote].extension[numero].valueString = "AMX-2607-118"
* suppliedItem.extension[lote].extension[vencimiento].valueDate = "2028-06-30"
* suppliedItem.quantity.value = 500
* suppliedItem.quantity.unit = "cápsula"
* suppliedItem.itemCodeableConcept = PYMedicamentoEsencialCS#amoxicilina-500-cap "Amoxicilina 500 mg cápsula"
* occurrenceDateTime = "2026-12-02T15:00:00-03:00"
* destination = Reference(farmacia-usf-bahia-negra)

Instance: dispensacion-paracetamol-bahia-negra
InstanceOf: PYDispensacion
Title: "Dispensación de paracetamol en la USF Bahía Negra"
Description: "La farmacia de la USF entrega 12 comprimidos de paracetamol 500 mg a un paciente: débito de 12 en el lote PCM-2605-33."
Usage: #example
* extension[lote].extension[numero].valueString = "PCM-2605-33"
* extension[lote].extension[vencimiento].valueDate = "2028-04-30"
* status = #completed
* medicationCodeableConcept = PYMedicamentoEsencialCS#paracetamol-500-comp "Paracetamol 500 mg comprimido"
* subject = Reference(paciente-indigena-boqueron)
* location = Reference(farmacia-usf-bahia-negra)
* quantity.value = 12
* quantity.unit = "comprimido"
* daysSupply.value = 3
* daysSupply.unit = "día"
* daysSupply.system = "http://unitsofmeasure.org"
* daysSupply.code = #d
* whenHandedOver = "2026-12-07T09:40:00-03:00"
* dosageInstruction.text = "1 comprimido cada 6 horas si hay fiebre o dolor, por 3 días como máximo"

Instance: ajuste-vencimiento-sro-bahia-negra
InstanceOf: PYMovimientoStock
Title: "Ajuste por vencimiento: sales de rehidratación oral"
Description: "Se dan de baja 30 sobres de sales de rehidratación oral del lote SRO-2411-07, vencido el 30/11/2026 (motivo vencimiento: débito)."
Usage: #example
* code = PYTipoMovimientoStockCS#ajuste "Ajuste"
* extension[movimiento].extension[ubicacion].valueReference = Reference(farmacia-usf-bahia-negra)
* extension[movimiento].extension[articulo].valueCodeableConcept = PYMedicamentoEsencialCS#sales-rehidratacion-oral "Sales de rehidratación oral (sobre)"
* extension[movimiento].extension[cantidad].valueDecimal = 30
* extension[movimiento].extension[motivo].valueCoding = PYMotivoMovimientoStockCS#vencimiento "Vencimiento"
* extension[movimiento].extension[fecha].valueDateTime = "2026-12-01T08:00:00-03:00"
* extension[lote].extension[numero].valueString = "SRO-2411-07"
* extension[lote].extension[vencimiento].valueDate = "2026-11-30"
* created = "2026-12-01"

Instance: recuento-pentavalente-bahia-negra
InstanceOf: PYMovimientoStock
Title: "Recuento físico: pentavalente en el vacunatorio"
Description: "El recuento mensual del refrigerador encuentra 36 dosis del lote PNT-2611-04: el saldo de ese lote pasa a ser 36 (motivo recuento: balance)."
Usage: #example
* code = PYTipoMovimientoStockCS#recuento "Recuento físico"
* extension[movimiento].extension[ubicacion].valueReference = Reference(farmacia-usf-bahia-negra)
* extension[movimiento].extension[articulo].valueCodeableConcept = PYVacunaCS#pentavalente "Pentavalente (DPT-HB-Hib)"
* extension[movimiento].extension[cantidad].valueDecimal = 36
* extension[movimiento].extension[motivo].valueCoding = PYMotivoMovimientoStockCS#recuento "Recuento físico"
* extension[movimiento].extension[fecha].valueDateTime = "2026-12-31T16:00:00-03:00"
* extension[lote].extension[numero].valueString = "PNT-2611-04"
* extension[lote].extension[vencimiento].valueDate = "2027-08-31"
* created = "2026-12-31"
