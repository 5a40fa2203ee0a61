import type { Feature } from '../features.js';
import { guideRoutes } from './site.js';

export { guideOutputDir, guidePackageDir, guidePackagePath, guideSiteDir, readGuideResources } from './paths.js';

/** The Paraguay implementation guide: the site built by `npm run ig` at /ig/ and its FHIR package at /ig/package.tgz. */
export const igFeature: Feature = {
  name: 'ig',
  routes: guideRoutes,
};
