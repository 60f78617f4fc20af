import './base.css';
import './param-controls.css';
import './progress-panel.css';
