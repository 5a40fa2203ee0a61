// Suministros y stock: los artículos (medicamentos esenciales, vacunas del PAI, insumos; los remedios de la medicina
// tradicional son los de py-remedio-tradicional), los motivos de un movimiento de stock (semántica de OpenLMIS:
// crédito, débito o balance) y los tipos de movimiento registrados como Basic. Ver la página "Suministros y stock".

// Unidad de dispensación de un artículo (propiedad `unidad` de cada catálogo).
RuleSet: Unidad(code, unidad)
* #{code} ^property[0].code = #unidad
* #{code} ^property[0].valueCode = #{unidad}

RuleSet: PropiedadUnidad
* ^property[0].code = #unidad
* ^property[0].description = "Unidad de dispensación y de cuenta del stock (comprimido, capsula, sobre, ampolla, frasco, inhalador, dosis, unidad, par, caja)"
* ^property[0].type = #code

CodeSystem: PYMedicamentoEsencialCS
Id: py-medicamento-esencial
Title: "Medicamentos esenciales"
Description: """Medicamentos de la Lista Nacional de Medicamentos Esenciales del Paraguay (selección inicial para la gestión de stock de los establecimientos del MSPBS), con su forma y concentración. La propiedad `unidad` es la unidad en que se dispensa y se cuenta el stock. Lista inicial propuesta por HMS-OPS, a completar con la Dirección Nacional de Vigilancia Sanitaria y la Dirección General de Gestión de Insumos Estratégicos en Salud (DGGIES)."""
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-medicamento-esencial"
* insert PropiedadUnidad
* #amoxicilina-500-cap "Amoxicilina 500 mg cápsula" "Antibiótico betalactámico (ATC J01CA04), cápsula de 500 mg."
* insert DesignacionesEsEn(amoxicilina-500-cap, Amoxicilina 500 mg cápsula, Amoxicillin 500 mg capsule)
* insert Unidad(amoxicilina-500-cap, capsula)
* #paracetamol-500-comp "Paracetamol 500 mg comprimido" "Analgésico y antipirético (ATC N02BE01), comprimido de 500 mg."
* insert DesignacionesEsEn(paracetamol-500-comp, Paracetamol 500 mg comprimido, Paracetamol 500 mg tablet)
* insert Unidad(paracetamol-500-comp, comprimido)
* #sales-rehidratacion-oral "Sales de rehidratación oral (sobre)" "Sales de rehidratación oral de osmolaridad reducida (ATC A07CA), sobre para 1 litro."
* insert DesignacionesEsEn(sales-rehidratacion-oral, Sales de rehidratación oral (sobre\), Oral rehydration salts (sachet\))
* insert Unidad(sales-rehidratacion-oral, sobre)
* #metformina-850-comp "Metformina 850 mg comprimido" "Antidiabético oral (ATC A10BA02), comprimido de 850 mg."
* insert DesignacionesEsEn(metformina-850-comp, Metformina 850 mg comprimido, Metformin 850 mg tablet)
* insert Unidad(metformina-850-comp, comprimido)
* #enalapril-10-comp "Enalapril 10 mg comprimido" "Antihipertensivo, inhibidor de la ECA (ATC C09AA02), comprimido de 10 mg."
* insert DesignacionesEsEn(enalapril-10-comp, Enalapril 10 mg comprimido, Enalapril 10 mg tablet)
* insert Unidad(enalapril-10-comp, comprimido)
* #salbutamol-inhalador "Salbutamol 100 mcg/dosis inhalador" "Broncodilatador (ATC R03AC02), aerosol para inhalación de 100 mcg por dosis."
* insert DesignacionesEsEn(salbutamol-inhalador, Salbutamol 100 mcg/dosis inhalador, Salbutamol 100 mcg/dose inhaler)
* insert Unidad(salbutamol-inhalador, inhalador)
* #albendazol-400-comp "Albendazol 400 mg comprimido" "Antiparasitario (ATC P02CA03), comprimido de 400 mg."
* insert DesignacionesEsEn(albendazol-400-comp, Albendazol 400 mg comprimido, Albendazole 400 mg tablet)
* insert Unidad(albendazol-400-comp, comprimido)
* #sulfato-ferroso-comp "Sulfato ferroso comprimido" "Suplemento de hierro (ATC B03AA07), comprimido equivalente a 60 mg de hierro elemental."
* insert DesignacionesEsEn(sulfato-ferroso-comp, Sulfato ferroso comprimido, Ferrous sulfate tablet)
* insert Unidad(sulfato-ferroso-comp, comprimido)
* #acido-folico-comp "Ácido fólico comprimido" "Suplemento de ácido fólico (ATC B03BB01), comprimido de 1 mg (o de 5 mg)."
* insert DesignacionesEsEn(acido-folico-comp, Ácido fólico comprimido, Folic acid tablet)
* insert Unidad(acido-folico-comp, comprimido)
* #oxitocina-10ui-amp "Oxitocina 10 UI ampolla" "Uterotónico (ATC H01BB02), ampolla de 10 UI/ml; cadena de frío (2 a 8 °C)."
* insert DesignacionesEsEn(oxitocina-10ui-amp, Oxitocina 10 UI ampolla, Oxytocin 10 IU ampoule)
* insert Unidad(oxitocina-10ui-amp, ampolla)
* #ceftriaxona-1g-amp "Ceftriaxona 1 g ampolla" "Antibiótico cefalosporina (ATC J01DD04), polvo para inyección de 1 g."
* insert DesignacionesEsEn(ceftriaxona-1g-amp, Ceftriaxona 1 g ampolla, Ceftriaxone 1 g vial)
* insert Unidad(ceftriaxona-1g-amp, ampolla)
* #warfarina-5-comp "Warfarina 5 mg comprimido" "Anticoagulante oral (ATC B01AA03), comprimido de 5 mg."
* insert DesignacionesEsEn(warfarina-5-comp, Warfarina 5 mg comprimido, Warfarin 5 mg tablet)
* insert Unidad(warfarina-5-comp, comprimido)

ValueSet: PYMedicamentoEsencialVS
Id: py-medicamento-esencial
Title: "Medicamentos esenciales"
Description: "Todos los códigos de py-medicamento-esencial."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-medicamento-esencial"
* include codes from system PYMedicamentoEsencialCS

// Vacuna: unidad (siempre dosis) y si se daña al congelarse.
RuleSet: Vacuna(code, sensible)
* #{code} ^property[0].code = #unidad
* #{code} ^property[0].valueCode = #dosis
* #{code} ^property[1].code = #sensibleCongelamiento
* #{code} ^property[1].valueBoolean = {sensible}

CodeSystem: PYVacunaCS
Id: py-vacuna
Title: "Vacunas del PAI"
Description: """Vacunas del esquema del Programa Ampliado de Inmunizaciones (PAI) del Paraguay, como artículos de stock: se cuentan en dosis (propiedad `unidad`). La propiedad `sensibleCongelamiento` dice si la vacuna se daña al congelarse (no se usa tras una excursión bajo 0 °C). Un lote de vacuna se recibe siempre con su número (extensión py-lote). Lista inicial propuesta por HMS-OPS, a validar con el PAI."""
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-vacuna"
* ^property[0].code = #unidad
* ^property[0].description = "Unidad de cuenta del stock: dosis"
* ^property[0].type = #code
* ^property[1].code = #sensibleCongelamiento
* ^property[1].description = "La vacuna se daña al congelarse (true) o no (false)"
* ^property[1].type = #boolean
* #bcg "BCG" "Vacuna contra la tuberculosis (formas graves), liofilizada; al nacer."
* insert DesignacionesEsEn(bcg, BCG, BCG vaccine)
* insert Vacuna(bcg, false)
* #pentavalente "Pentavalente (DPT-HB-Hib)" "Vacuna contra difteria, tos convulsa, tétanos, hepatitis B y Haemophilus influenzae tipo b."
* insert DesignacionesEsEn(pentavalente, Pentavalente (DPT-HB-Hib\), Pentavalent vaccine (DTP-HepB-Hib\))
* insert Vacuna(pentavalente, true)
* #opv-bopv "Antipoliomielítica oral bivalente (bOPV)" "Vacuna oral contra la poliomielitis, bivalente (tipos 1 y 3)."
* insert DesignacionesEsEn(opv-bopv, Antipoliomielítica oral bivalente (bOPV\), Bivalent oral polio vaccine (bOPV\))
* insert Vacuna(opv-bopv, false)
* #ipv "Antipoliomielítica inactivada (IPV)" "Vacuna inyectable contra la poliomielitis, inactivada."
* insert DesignacionesEsEn(ipv, Antipoliomielítica inactivada (IPV\), Inactivated polio vaccine (IPV\))
* insert Vacuna(ipv, true)
* #srp "SRP (sarampión, rubéola, paperas)" "Vacuna triple viral contra sarampión, rubéola y paperas, liofilizada."
* insert DesignacionesEsEn(srp, SRP (sarampión\, rubéola\, paperas\), MMR vaccine)
* insert Vacuna(srp, false)
* #fiebre-amarilla "Fiebre amarilla" "Vacuna contra la fiebre amarilla, liofilizada."
* insert DesignacionesEsEn(fiebre-amarilla, Fiebre amarilla, Yellow fever vaccine)
* insert Vacuna(fiebre-amarilla, false)
* #hepatitis-b-pediatrica "Hepatitis B pediátrica" "Vacuna contra la hepatitis B, presentación pediátrica (dosis al nacer)."
* insert DesignacionesEsEn(hepatitis-b-pediatrica, Hepatitis B pediátrica, Hepatitis B vaccine (paediatric\))
* insert Vacuna(hepatitis-b-pediatrica, true)
* #influenza "Influenza" "Vacuna contra la influenza estacional (fórmula del hemisferio sur del año)."
* insert DesignacionesEsEn(influenza, Influenza, Influenza vaccine)
* insert Vacuna(influenza, true)

ValueSet: PYVacunaVS
Id: py-vacuna
Title: "Vacunas del PAI"
Description: "Todos los códigos de py-vacuna."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-vacuna"
* include codes from system PYVacunaCS

CodeSystem: PYInsumoCS
Id: py-insumo
Title: "Insumos y equipos"
Description: """Insumos médicos y equipos de la cadena de suministro y de la cadena de frío, como artículos de stock (propiedad `unidad`: la unidad en que se cuentan). Lista inicial propuesta por HMS-OPS."""
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-insumo"
* insert PropiedadUnidad
* #jeringa-05ml-ad "Jeringa autodescartable 0,5 ml" "Jeringa autodescartable (AD) de 0,5 ml con aguja, para vacunación."
* insert DesignacionesEsEn(jeringa-05ml-ad, Jeringa autodescartable 0\,5 ml, Auto-disable syringe 0.5 ml)
* insert Unidad(jeringa-05ml-ad, unidad)
* #jeringa-5ml "Jeringa 5 ml" "Jeringa descartable de 5 ml, para dilución y uso general."
* insert DesignacionesEsEn(jeringa-5ml, Jeringa 5 ml, Syringe 5 ml)
* insert Unidad(jeringa-5ml, unidad)
* #guantes-examen "Guantes de examen" "Guantes de examen descartables, no estériles (par)."
* insert DesignacionesEsEn(guantes-examen, Guantes de examen, Examination gloves)
* insert Unidad(guantes-examen, par)
* #gasas-esteriles "Gasas estériles" "Gasas estériles de 10 x 10 cm, en sobre."
* insert DesignacionesEsEn(gasas-esteriles, Gasas estériles, Sterile gauze)
* insert Unidad(gasas-esteriles, sobre)
* #caja-seguridad "Caja de seguridad" "Caja de seguridad para el descarte de jeringas y agujas usadas."
* insert DesignacionesEsEn(caja-seguridad, Caja de seguridad, Safety box)
* insert Unidad(caja-seguridad, unidad)
* #termometro-registrador-30d "Termómetro registrador de 30 días" "Registrador electrónico de temperatura de 30 días para refrigeradores de vacunas (cadena de frío)."
* insert DesignacionesEsEn(termometro-registrador-30d, Termómetro registrador de 30 días, 30-day temperature logger)
* insert Unidad(termometro-registrador-30d, unidad)
* #refrigerador-vacunas "Refrigerador de vacunas" "Refrigerador para vacunas (de 2 a 8 °C) precalificado por la OMS (PQS E003), eléctrico o solar, del vacunatorio (cadena de frío)."
* insert DesignacionesEsEn(refrigerador-vacunas, Refrigerador de vacunas, Vaccine refrigerator)
* insert Unidad(refrigerador-vacunas, unidad)

ValueSet: PYInsumoVS
Id: py-insumo
Title: "Insumos y equipos"
Description: "Todos los códigos de py-insumo."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-insumo"
* include codes from system PYInsumoCS

ValueSet: PYArticuloSuministroVS
Id: py-articulo-suministro
Title: "Artículos de suministro"
Description: "Todo artículo que se recibe, se dispensa o se cuenta en el stock de un establecimiento: los medicamentos esenciales (py-medicamento-esencial), las vacunas del PAI (py-vacuna), los insumos (py-insumo) y los remedios de la medicina tradicional (py-remedio-tradicional)."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-articulo-suministro"
* include codes from system PYMedicamentoEsencialCS
* include codes from system PYVacunaCS
* include codes from system PYInsumoCS
* include codes from system PYRemedioTradicionalCS

// Motivo de un movimiento de stock y su tipo (crédito, débito o balance).
RuleSet: Motivo(code, tipo)
* #{code} ^property[0].code = #tipo
* #{code} ^property[0].valueCode = #{tipo}

CodeSystem: PYMotivoMovimientoStockCS
Id: py-motivo-movimiento-stock
Title: "Motivo de un movimiento de stock"
Description: """Por qué cambia el stock de un artículo en un lugar (semántica de OpenLMIS). La propiedad `tipo` dice cómo cuenta: `credito` suma la cantidad al saldo, `debito` la resta, `balance` (un recuento físico) fija el saldo en la cantidad contada. Propuesta HMS-OPS."""
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-motivo-movimiento-stock"
* ^property[0].code = #tipo
* ^property[0].description = "Cómo cuenta el movimiento: credito (suma), debito (resta) o balance (fija el saldo contado)"
* ^property[0].type = #code
* #recepcion "Recepción" "Entrada de artículos recibidos de un proveedor o de un programa (crédito)."
* insert DesignacionesEsEn(recepcion, Recepción, Receipt)
* insert Motivo(recepcion, credito)
* #transferencia-entrada "Transferencia recibida" "Entrada de artículos enviados desde otro depósito (crédito en el destino)."
* insert DesignacionesEsEn(transferencia-entrada, Transferencia recibida, Transfer in)
* insert Motivo(transferencia-entrada, credito)
* #transferencia-salida "Transferencia enviada" "Salida de artículos hacia otro depósito (débito en el origen)."
* insert DesignacionesEsEn(transferencia-salida, Transferencia enviada, Transfer out)
* insert Motivo(transferencia-salida, debito)
* #dispensacion "Dispensación" "Entrega de artículos a un paciente (débito)."
* insert DesignacionesEsEn(dispensacion, Dispensación, Dispensing)
* insert Motivo(dispensacion, debito)
* #consumo "Consumo" "Uso de artículos en el establecimiento, sin dispensación a un paciente (débito)."
* insert DesignacionesEsEn(consumo, Consumo, Consumption)
* insert Motivo(consumo, debito)
* #vencimiento "Vencimiento" "Baja de artículos vencidos (débito)."
* insert DesignacionesEsEn(vencimiento, Vencimiento, Expiry)
* insert Motivo(vencimiento, debito)
* #dano "Daño" "Baja de artículos dañados o rotos (débito)."
* insert DesignacionesEsEn(dano, Daño, Damage)
* insert Motivo(dano, debito)
* #perdida "Pérdida" "Baja de artículos perdidos o faltantes (débito)."
* insert DesignacionesEsEn(perdida, Pérdida, Loss)
* insert Motivo(perdida, debito)
* #robo "Robo" "Baja de artículos robados (débito)."
* insert DesignacionesEsEn(robo, Robo, Theft)
* insert Motivo(robo, debito)
* #hallazgo "Hallazgo" "Artículos encontrados que no figuraban en el stock (crédito)."
* insert DesignacionesEsEn(hallazgo, Hallazgo, Found)
* insert Motivo(hallazgo, credito)
* #devolucion "Devolución" "Artículos devueltos al depósito, p. ej. por un paciente o un servicio (crédito)."
* insert DesignacionesEsEn(devolucion, Devolución, Return)
* insert Motivo(devolucion, credito)
* #excursion-temperatura "Excursión de temperatura" "Baja de artículos expuestos a temperaturas fuera de rango en la cadena de frío (débito)."
* insert DesignacionesEsEn(excursion-temperatura, Excursión de temperatura, Temperature excursion)
* insert Motivo(excursion-temperatura, debito)
* #vvm-descarte "Descarte por VVM" "Baja de vacunas cuyo monitor de vial (VVM) llegó al punto de descarte (débito)."
* insert DesignacionesEsEn(vvm-descarte, Descarte por VVM, VVM discard)
* insert Motivo(vvm-descarte, debito)
* #recuento "Recuento físico" "Recuento físico del stock: la cantidad contada pasa a ser el saldo (balance)."
* insert DesignacionesEsEn(recuento, Recuento físico, Physical count)
* insert Motivo(recuento, balance)

ValueSet: PYMotivoMovimientoStockVS
Id: py-motivo-movimiento-stock
Title: "Motivo de un movimiento de stock"
Description: "Todos los códigos de py-motivo-movimiento-stock."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-motivo-movimiento-stock"
* include codes from system PYMotivoMovimientoStockCS

CodeSystem: PYTipoMovimientoStockCS
Id: py-tipo-movimiento-stock
Title: "Tipo de movimiento de stock"
Description: "Qué registra un movimiento de stock como Basic (py-movimiento-stock-basic): un ajuste (con un motivo de débito o de crédito) o un recuento físico (balance). Propuesta HMS-OPS."
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-tipo-movimiento-stock"
* #ajuste "Ajuste" "Ajuste del stock por un motivo distinto del recuento (vencimiento, daño, pérdida, hallazgo …)."
* insert DesignacionesEsEn(ajuste, Ajuste, Adjustment)
* #recuento "Recuento físico" "Recuento físico: la cantidad contada pasa a ser el saldo."
* insert DesignacionesEsEn(recuento, Recuento físico, Physical count)

ValueSet: PYTipoMovimientoStockVS
Id: py-tipo-movimiento-stock
Title: "Tipo de movimiento de stock"
Description: "Todos los códigos de py-tipo-movimiento-stock."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-tipo-movimiento-stock"
* include codes from system PYTipoMovimientoStockCS
