// Display layer: how figures, tables and progress reach the notebook.
import './inline';
export * from './show';
export * from './progress';
