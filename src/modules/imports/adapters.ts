/**
 * Every importable kind. A module adds its adapter here (one line); see src/imports/types.ts.
 */
import { registerImportAdapter } from '../../imports/registry';
import { flowCountsImport } from '../flows/import-counts';
import { flowSurveysImport } from '../flows/import-surveys';

registerImportAdapter(flowCountsImport);
registerImportAdapter(flowSurveysImport);

export { importAdapter, importAdapters } from '../../imports/registry';
