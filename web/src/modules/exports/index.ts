export { ExportMenu, type ExportMenuProps } from './ExportMenu';
export { exportHref, type ExportFormat } from './exportHref';
