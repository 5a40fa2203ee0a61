// Los artículos de los ejemplos de suministros como recursos: la amoxicilina de la transferencia, el lote de
// pentavalente de la recepción en la USF Bahía Negra, la jeringa autodescartable y el refrigerador del vacunatorio, y
// dos remedios de la medicina tradicional con su disponibilidad estacional.

Instance: amoxicilina-500-cap
InstanceOf: PYMedicamento
Title: "Amoxicilina 500 mg cápsula"
Description: "El medicamento esencial amoxicilina 500 mg en cápsulas: su código de py-medicamento-esencial (el que nombra el artículo en la transferencia de amoxicilina) y su código ATC, la forma y la concentración."
Usage: #example
* code.coding[esencial] = PYMedicamentoEsencialCS#amoxicilina-500-cap "Amoxicilina 500 mg cápsula"
* code.coding[atc] = http://www.whocc.no/atc#J01CA04 "amoxicillin"
* code.text = "Amoxicilina 500 mg cápsula"
* form = $sct#385049006 "Capsule"
* form.text = "Cápsula"
* ingredient[0].itemCodeableConcept = http://www.whocc.no/atc#J01CA04 "amoxicillin"
* ingredient[0].itemCodeableConcept.text = "Amoxicilina (trihidrato)"
* ingredient[0].isActive = true
* ingredient[0].strength.numerator = 500 'mg' "mg"
* ingredient[0].strength.denominator.value = 1
* ingredient[0].strength.denominator.unit = "cápsula"

Instance: pentavalente-lote-pnt-2611-04
InstanceOf: PYVacuna
Title: "Pentavalente, lote PNT-2611-04"
Description: "El lote PNT-2611-04 de vacuna pentavalente (vence el 31/08/2027), en frascos de 10 dosis: el mismo lote que llega al vacunatorio de la USF Bahía Negra en la recepción de pentavalente (py-lote)."
Usage: #example
* code.coding[pai] = PYVacunaCS#pentavalente "Pentavalente (DPT-HB-Hib)"
* form.text = "Suspensión inyectable, frasco multidosis"
* amount.numerator.value = 10
* amount.numerator.unit = "dosis"
* amount.denominator.value = 1
* amount.denominator.unit = "frasco"
* batch.lotNumber = "PNT-2611-04"
* batch.expirationDate = "2027-08-31"

Instance: jeringa-05ml-ad
InstanceOf: PYInsumo
Title: "Jeringa autodescartable de 0,5 ml"
Description: "El insumo jeringa autodescartable de 0,5 ml con aguja, para vacunación, en cajas de 100: un artículo de catálogo (DeviceDefinition), que el libro de stock cuenta por unidad."
Usage: #example
* type.coding[insumo] = PYInsumoCS#jeringa-05ml-ad "Jeringa autodescartable 0,5 ml"
* deviceName[0].name = "Jeringa autodescartable 0,5 ml con aguja 23G x 1\""
* deviceName[0].type = #user-friendly-name
* quantity = 100 '1' "unidades por caja"
* note[0].text = "Se descarta en la caja de seguridad después de un solo uso."

Instance: refrigerador-vacunas-solar
InstanceOf: PYInsumo
Title: "Refrigerador de vacunas solar"
Description: "Un modelo de refrigerador de vacunas solar de accionamiento directo (precalificado por la OMS, PQS E003), como los de los vacunatorios sin red eléctrica estable del Chaco. Cada refrigerador instalado es un Device con `definition` apuntando a este recurso."
Usage: #example
* type.coding[insumo] = PYInsumoCS#refrigerador-vacunas "Refrigerador de vacunas"
* deviceName[0].name = "Refrigerador de vacunas solar de accionamiento directo, 50 litros"
* deviceName[0].type = #user-friendly-name
* modelNumber = "SDD-50"
* note[0].text = "Conserva las vacunas de 2 a 8 °C. Categoría PQS E003 (refrigeradores y congeladores) de la OMS."

Instance: remedio-burrito
InstanceOf: PYRemedioTradicional
Title: "Burrito (hojas)"
Description: "El remedio burrito (Aloysia polystachya), en hojas secas o frescas para infusión o el tereré: se consigue todo el año en todo el país."
Usage: #example
* extension[nombreCientifico].valueString = "Aloysia polystachya (Griseb.) Moldenke"
* extension[disponibilidadEstacional].extension[mes][0].valueInteger = 1
* extension[disponibilidadEstacional].extension[mes][1].valueInteger = 2
* extension[disponibilidadEstacional].extension[mes][2].valueInteger = 3
* extension[disponibilidadEstacional].extension[mes][3].valueInteger = 4
* extension[disponibilidadEstacional].extension[mes][4].valueInteger = 5
* extension[disponibilidadEstacional].extension[mes][5].valueInteger = 6
* extension[disponibilidadEstacional].extension[mes][6].valueInteger = 7
* extension[disponibilidadEstacional].extension[mes][7].valueInteger = 8
* extension[disponibilidadEstacional].extension[mes][8].valueInteger = 9
* extension[disponibilidadEstacional].extension[mes][9].valueInteger = 10
* extension[disponibilidadEstacional].extension[mes][10].valueInteger = 11
* extension[disponibilidadEstacional].extension[mes][11].valueInteger = 12
* code.coding[remedio] = PYRemedioTradicionalCS#burrito "Burrito"
* form.text = "Hojas secas"

Instance: remedio-kaa-hee-amambay
InstanceOf: PYRemedioTradicional
Title: "Ka'a he'ẽ (hojas), con su temporada en Amambay"
Description: "El remedio ka'a he'ẽ (Stevia rebaudiana), en hojas: en el Amambay, su zona de origen, se recolecta de diciembre a abril (meses 12, 1, 2, 3 y 4, la temporada `dic-abr` del catálogo)."
Usage: #example
* extension[nombreCientifico].valueString = "Stevia rebaudiana (Bertoni) Bertoni"
* extension[disponibilidadEstacional].extension[mes][0].valueInteger = 12
* extension[disponibilidadEstacional].extension[mes][1].valueInteger = 1
* extension[disponibilidadEstacional].extension[mes][2].valueInteger = 2
* extension[disponibilidadEstacional].extension[mes][3].valueInteger = 3
* extension[disponibilidadEstacional].extension[mes][4].valueInteger = 4
* extension[disponibilidadEstacional].extension[departamento].valueCoding = PYDepartamentoCS#13 "Amambay"
* code.coding[remedio] = PYRemedioTradicionalCS#kaa-hee "Ka'a he'ẽ (estevia)"
* form.text = "Hojas secas"
