// <actlab-plot>, at the package's top level: a plain <script type="module"
// src="node_modules/actlab/actlab-plot.js"> finds it where the site serves its own
// (/actlab-plot.js); the built element is lib/actlab-plot.js, which bundlers get from `exports`.
import './lib/actlab-plot.js';
