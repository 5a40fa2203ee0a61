CodeSystem: PYEspecialidadMedicinaTradicionalCS
Id: py-especialidad-medicina-tradicional
Title: "Especialidades de medicina tradicional"
Description: """Roles y prácticas de los agentes de medicina tradicional e indígena (Ley 5469/2015 reconoce los sistemas propios de salud de los pueblos indígenas). Propuesta HMS-OPS a validar con la DINASAPI y las comunidades; la propiedad `isco-08` da la ocupación CIUO-08/ISCO-08 más cercana. Los términos en guaraní son propuestas pendientes de revisión por hablantes (extensión py-revision-pendiente)."""
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-especialidad-medicina-tradicional"
* ^property[0].code = #isco-08
* ^property[0].uri = "http://www.ilo.org/public/english/bureau/stat/isco/isco08"
* ^property[0].description = "Código ISCO-08 (CIUO-08) más cercano"
* ^property[0].type = #string
* #medico-tradicional-indigena "Médico/a tradicional indígena (chamán, líder espiritual)"
* #medico-tradicional-indigena ^property[0].code = #isco-08
* #medico-tradicional-indigena ^property[0].valueString = "3230"
* insert Designaciones(medico-tradicional-indigena, Médico/a tradicional indígena (chamán\, líder espiritual\), Paje, Indigenous traditional healer (shaman\, spiritual leader\))
* #partera-tradicional "Partera tradicional / empírica"
* #partera-tradicional ^property[0].code = #isco-08
* #partera-tradicional ^property[0].valueString = "3222"
* insert Designaciones(partera-tradicional, Partera tradicional / empírica, Ñepytyvõhára, Traditional birth attendant)
* #yuyero-herbolario "Yuyero/a, herbolario/a (medicina natural)"
* #yuyero-herbolario ^property[0].code = #isco-08
* #yuyero-herbolario ^property[0].valueString = "3230"
* insert Designaciones(yuyero-herbolario, Yuyero/a\, herbolario/a (medicina natural\), Pohã ñana mbo'ehára, Herbalist)
* #huesero-componedor "Huesero / componedor"
* #huesero-componedor ^property[0].code = #isco-08
* #huesero-componedor ^property[0].valueString = "3230"
* insert DesignacionesEsEn(huesero-componedor, Huesero / componedor, Bonesetter)
* #curandero-sanador "Curandero/a, sanador/a espiritual"
* #curandero-sanador ^property[0].code = #isco-08
* #curandero-sanador ^property[0].valueString = "3230"
* insert DesignacionesEsEn(curandero-sanador, Curandero/a\, sanador/a espiritual, Folk or spiritual healer)
* #promotor-salud-indigena "Promotor/a de salud indígena"
* #promotor-salud-indigena ^property[0].code = #isco-08
* #promotor-salud-indigena ^property[0].valueString = "3253"
* insert DesignacionesEsEn(promotor-salud-indigena, Promotor/a de salud indígena, Indigenous community health promoter)

ValueSet: PYEspecialidadMedicinaTradicionalVS
Id: py-especialidad-medicina-tradicional
Title: "Especialidades de medicina tradicional"
Description: "Todas las especialidades de py-especialidad-medicina-tradicional."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-especialidad-medicina-tradicional"
* include codes from system PYEspecialidadMedicinaTradicionalCS

CodeSystem: PYTipoReconocimientoCS
Id: py-tipo-reconocimiento
Title: "Tipo de reconocimiento del agente de medicina tradicional"
Description: "Quién reconoce al agente: su comunidad (autoridad comunitaria) o la Dirección Nacional de Salud de los Pueblos Indígenas (DINASAPI, Ley 5469/2015). Propuesta HMS-OPS."
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-tipo-reconocimiento"
* #comunidad "Reconocido por su comunidad"
* insert DesignacionesEsEn(comunidad, Reconocido por su comunidad, Recognised by their community)
* #dinasapi "Reconocido por la DINASAPI"
* insert DesignacionesEsEn(dinasapi, Reconocido por la DINASAPI, Recognised by DINASAPI (National Directorate of Indigenous Peoples' Health\))

ValueSet: PYTipoReconocimientoVS
Id: py-tipo-reconocimiento
Title: "Tipo de reconocimiento"
Description: "Todos los códigos de py-tipo-reconocimiento."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-tipo-reconocimiento"
* include codes from system PYTipoReconocimientoCS

CodeSystem: PYProfesionSaludCS
Id: py-profesion-salud
Title: "Profesiones de la salud"
Description: "Profesiones de la salud para Practitioner.qualification.code (propuesta HMS-OPS, a alinear con el registro profesional del MSPBS)."
* insert CodeSystemPY
* ^url = "https://fhir.mspbs.gov.py/CodeSystem/py-profesion-salud"
* #medicina "Médico/a"
* insert DesignacionesEsEn(medicina, Médico/a, Physician)
* #enfermeria "Enfermero/a"
* insert DesignacionesEsEn(enfermeria, Enfermero/a, Nurse)
* #obstetricia "Obstetra"
* insert DesignacionesEsEn(obstetricia, Obstetra, Midwife)
* #odontologia "Odontólogo/a"
* insert DesignacionesEsEn(odontologia, Odontólogo/a, Dentist)
* #bioquimica "Bioquímico/a"
* insert DesignacionesEsEn(bioquimica, Bioquímico/a, Clinical biochemist)
* #farmacia "Químico/a farmacéutico/a"
* insert DesignacionesEsEn(farmacia, Químico/a farmacéutico/a, Pharmacist)
* #kinesiologia "Kinesiólogo/a, fisioterapeuta"
* insert DesignacionesEsEn(kinesiologia, Kinesiólogo/a\, fisioterapeuta, Physiotherapist)
* #nutricion "Nutricionista"
* insert DesignacionesEsEn(nutricion, Nutricionista, Dietitian)
* #psicologia "Psicólogo/a"
* insert DesignacionesEsEn(psicologia, Psicólogo/a, Psychologist)
* #agente-comunitario "Agente comunitario de salud"
* insert DesignacionesEsEn(agente-comunitario, Agente comunitario de salud, Community health worker)

ValueSet: PYProfesionSaludVS
Id: py-profesion-salud
Title: "Profesiones de la salud"
Description: "Todas las profesiones de py-profesion-salud."
* insert MetadatosPY
* ^url = "https://fhir.mspbs.gov.py/ValueSet/py-profesion-salud"
* include codes from system PYProfesionSaludCS
