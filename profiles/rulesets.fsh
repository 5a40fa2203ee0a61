RuleSet: IdentificadorPorSistema
* identifier ^slicing.discriminator[0].type = #value
* identifier ^slicing.discriminator[0].path = "system"
* identifier ^slicing.rules = #open
* identifier ^slicing.description = "Por sistema de identificación (NamingSystems de la guía)"

// A slice of identifier with a fixed system and a mandatory value.
RuleSet: SliceIdentificador(slice, system, type)
* identifier[{slice}].system 1..1
* identifier[{slice}].system = "{system}" (exactly)
* identifier[{slice}].value 1..1
* identifier[{slice}].type = $v2-0203#{type}

RuleSet: DireccionPY(path)
* {path}.extension contains PYDepartamento named departamento 0..1 and PYDistrito named distrito 0..1
* {path}.extension[departamento] ^short = "Departamento (código DGEEC)"
* {path}.extension[distrito] ^short = "Distrito (código DGEEC DDNN)"
* {path} obeys py-dir-1
