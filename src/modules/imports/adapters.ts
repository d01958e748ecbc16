/**
 * Every importable kind. A module adds its adapter here (one line); see src/imports/types.ts.
 */
import { registerImportAdapter } from '../../imports/registry';
import { flowCountsImport } from '../flows/import-counts';
import { flowSurveysImport } from '../flows/import-surveys';
import { mobilityBaselineImport, mobilityEventImport, mobilitySiteImport } from '../mobility/imports';
import { householdsImport } from '../people/import';

registerImportAdapter(flowCountsImport);
registerImportAdapter(flowSurveysImport);
registerImportAdapter(mobilityBaselineImport);
registerImportAdapter(mobilityEventImport);
registerImportAdapter(mobilitySiteImport);
registerImportAdapter(householdsImport);

export { importAdapter, importAdapters } from '../../imports/registry';
