// Display layer: how figures, tables and progress reach the notebook.
import './inline';
import './cell-source';
export * from './show';
export * from './progress';
