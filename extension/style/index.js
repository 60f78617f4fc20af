import './base.css';
import './param-controls.css';
