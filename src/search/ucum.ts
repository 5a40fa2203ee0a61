/**
 * A small UCUM canonicaliser for quantity search: converts a value and a UCUM unit into a canonical value and
 * unit (base units g, m, s, L, mol, eq, U, K, Pa…), so 1 g and 1000 mg, or 5.5 mmol/L and 0.0055 mol/L,
 * compare equal. It covers the metric prefixes, products and quotients with integer exponents, annotations
 * ({...}) and the clinical customary units in BASE_UNITS; anything else answers undefined (then the
 * quantity is compared only in its own unit).
 */
export const UCUM_SYSTEM = 'http://unitsofmeasure.org';

const PREFIXES: Record<string, number> = {
  Y: 1e24, Z: 1e21, E: 1e18, P: 1e15, T: 1e12, G: 1e9, M: 1e6, k: 1e3, h: 1e2, da: 1e1,
  d: 1e-1, c: 1e-2, m: 1e-3, u: 1e-6, n: 1e-9, p: 1e-12, f: 1e-15, a: 1e-18, z: 1e-21, y: 1e-24,
};

/** Unit atom → [factor, base dimensions]. Metric atoms accept prefixes. */
const BASE_UNITS: Record<string, { factor: number; dims: Record<string, number>; metric: boolean }> = {
  g: { factor: 1, dims: { g: 1 }, metric: true },
  m: { factor: 1, dims: { m: 1 }, metric: true },
  s: { factor: 1, dims: { s: 1 }, metric: true },
  L: { factor: 1, dims: { L: 1 }, metric: true },
  l: { factor: 1, dims: { L: 1 }, metric: true },
  mol: { factor: 1, dims: { mol: 1 }, metric: true },
  eq: { factor: 1, dims: { eq: 1 }, metric: true },
  U: { factor: 1, dims: { U: 1 }, metric: true },
  '[iU]': { factor: 1, dims: { '[iU]': 1 }, metric: true },
  '[IU]': { factor: 1, dims: { '[iU]': 1 }, metric: true },
  Pa: { factor: 1, dims: { Pa: 1 }, metric: true },
  bar: { factor: 1e5, dims: { Pa: 1 }, metric: true },
  'm[Hg]': { factor: 133322.387415, dims: { Pa: 1 }, metric: true },
  'm[H2O]': { factor: 9806.65, dims: { Pa: 1 }, metric: true },
  K: { factor: 1, dims: { K: 1 }, metric: true },
  min: { factor: 60, dims: { s: 1 }, metric: false },
  h: { factor: 3600, dims: { s: 1 }, metric: false },
  d: { factor: 86400, dims: { s: 1 }, metric: false },
  wk: { factor: 604800, dims: { s: 1 }, metric: false },
  mo: { factor: 2629800, dims: { s: 1 }, metric: false },
  a: { factor: 31557600, dims: { s: 1 }, metric: false },
  '%': { factor: 0.01, dims: {}, metric: false },
  '[ppm]': { factor: 1e-6, dims: {}, metric: false },
  '[lb_av]': { factor: 453.59237, dims: { g: 1 }, metric: false },
  '[oz_av]': { factor: 28.349523125, dims: { g: 1 }, metric: false },
  '[in_i]': { factor: 0.0254, dims: { m: 1 }, metric: false },
  '[ft_i]': { factor: 0.3048, dims: { m: 1 }, metric: false },
  '[mi_i]': { factor: 1609.344, dims: { m: 1 }, metric: false },
  cal: { factor: 4.184, dims: { J: 1 }, metric: true },
  J: { factor: 1, dims: { J: 1 }, metric: true },
  '1': { factor: 1, dims: {}, metric: false },
  '10*': { factor: 10, dims: {}, metric: false },
  '10^': { factor: 10, dims: {}, metric: false },
};

export function canonicalize(value: number, unit: string): { value: number; unit: string } | undefined {
  const u = unit.replace(/\{[^}]*\}/g, '').trim();
  // Temperatures have offsets: only as a unit of their own.
  if (u === 'Cel') return { value: value + 273.15, unit: 'K' };
  if (u === '[degF]') return { value: (value - 32) * (5 / 9) + 273.15, unit: 'K' };
  if (u === '') return unit.includes('{') ? { value, unit: '1' } : undefined;
  let factor = 1;
  const dims: Record<string, number> = {};
  const terms = u.match(/[./]?[^./]+/g);
  if (!terms || terms.join('') !== u) return undefined;
  for (let i = 0; i < terms.length; i++) {
    let term = terms[i];
    let sign = 1;
    if (term.startsWith('/')) {
      sign = -1;
      term = term.slice(1);
    } else if (term.startsWith('.')) term = term.slice(1);
    if (term === '') {
      if (i === 0) continue;
      return undefined;
    }
    const m = /^(.*?)(-?\d+)?$/.exec(term);
    if (!m) return undefined;
    let atom = m[1];
    const exp = (m[2] ? Number(m[2]) : 1) * sign;
    if (atom === '' && m[2]) {
      // a bare number such as 10*3 is not supported; "1" alone is the unity
      if (m[2] === '1') continue;
      return undefined;
    }
    const unitDef = resolveAtom(atom);
    if (!unitDef) return undefined;
    factor *= unitDef.factor ** exp;
    for (const [d, e] of Object.entries(unitDef.dims)) dims[d] = (dims[d] ?? 0) + e * exp;
    atom = '';
  }
  const canonicalUnit = Object.keys(dims)
    .filter((d) => dims[d] !== 0)
    .sort()
    .map((d) => (dims[d] === 1 ? d : `${d}${dims[d]}`))
    .join('.');
  return { value: value * factor, unit: canonicalUnit || '1' };
}

function resolveAtom(atom: string): { factor: number; dims: Record<string, number> } | undefined {
  const direct = BASE_UNITS[atom];
  if (direct) return direct;
  for (const [p, f] of Object.entries(PREFIXES)) {
    if (atom.startsWith(p)) {
      const base = BASE_UNITS[atom.slice(p.length)];
      if (base?.metric) return { factor: base.factor * f, dims: base.dims };
    }
  }
  return undefined;
}
