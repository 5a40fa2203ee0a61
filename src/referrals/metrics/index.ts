/**
 * Referral metrics: referral_fact rows kept by the workflow (facts.ts), aggregated per facility or region
 * (query.ts) for Task/$referral-metrics (report.ts) and the guide's referral Measures of Measure/$evaluate-measure
 * (measure.ts, on src/measures/registry.ts).
 */
export { forgetReferral, recordAppointment, recordReferral } from './facts.js';
export { defineReferralMeasures } from './measure.js';
export { referralMetricsOperation } from './report.js';
