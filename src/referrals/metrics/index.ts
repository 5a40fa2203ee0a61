/**
 * Referral metrics: referral_fact rows kept by the workflow (facts.ts), aggregated per facility or region
 * (query.ts) for Task/$referral-metrics (report.ts) and Measure/$evaluate-measure (measure.ts).
 */
export { forgetReferral, recordAppointment, recordReferral } from './facts.js';
export { evaluateMeasure } from './measure.js';
export { referralMetricsOperation } from './report.js';
