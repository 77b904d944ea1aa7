// Types for `import 'actlab/actlab-plot.js'` (or <script type="module" src=".../actlab/actlab-plot.js">):
// registers <actlab-plot>. Its attributes are the playground's link keys; a bare boolean
// attribute means true.

/**
 * The attributes of <actlab-plot>, all strings as HTML has them. Besides these, every parameter of
 * the chosen function is an attribute under its PyTorch keyword name (`alpha="0.5"`,
 * `approximate="tanh"`, `negative_slope="0.2"`, `dim="1"`, …).
 */
export interface ActlabPlotAttributes {
  /** The function, by PyTorch class name (default 'ReLU'); a misspelt one is an error naming the closest. */
  fn?: string;
  /** Functions overlaid, `;`-separated, each with its parameters: `ReLU;ELU(alpha=0.5)`. */
  cmp?: string;
  /** x range `lo,hi`, e.g. `-3,3`. */
  x?: string;
  /** y range `lo,hi`, or `auto`. */
  y?: string;
  /** Curves drawn: `f`, `df`, `f,df` or `none` (default `f`). */
  show?: string;
  /** Present: short for show="f,df". */
  derivative?: '' | 'true';
  /** Shade where the gradient vanishes (|f′| < eps). */
  shade?: '' | 'true' | 'false';
  /** The vanishing-gradient threshold. */
  eps?: string;
  /** Shade where the gradient explodes (|f′| > 1) too. */
  steep?: '' | 'true' | 'false';
  /** Points marked on the curves, comma-separated. */
  vec?: string;
  /** The component of a dim-wise function's output drawn (an index, or `last`). */
  comp?: string;
  /** `light`, `dark` or `auto` (the reader's OS); without it the plot matches the page's background. */
  theme?: 'light' | 'dark' | 'auto' | 'system';
  /** A custom activation in PyTorch syntax, plotted as fn="Custom" (loads the build with the engine). */
  expr?: string;
  /** The class plotted from a pasted program of several. */
  cls?: string;
  /** The heading shown above the plot. */
  title?: string;
  /** The plot's accessible name. */
  label?: string;
  /** A function parameter, by its PyTorch keyword name. */
  [param: string]: string | undefined;
}

/** The element: an HTMLElement whose attributes are ActlabPlotAttributes. */
export interface ActlabPlotElement extends HTMLElement {
  /** The element's configuration as a playground link's hash. */
  readonly hash: string;
  /** The uPlot instance once the plot is drawn (its `data` holds x, then each curve), else null. */
  readonly uplot: { data: ArrayLike<number>[]; series: { label?: string; show?: boolean }[] } | null;
}

declare global {
  interface HTMLElementTagNameMap {
    'actlab-plot': ActlabPlotElement;
  }
}
