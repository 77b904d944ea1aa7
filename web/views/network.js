// The depth lab (view=network): a network of the chosen activation at PyTorch's initialisation,
// its activations and gradients through depth. Everything heavy (the panel, its charts, the
// worker running lab.network()) loads the first time the tab opens: this module is in the first
// view's bundle and stays a stub.
const $ = (id) => document.getElementById(id);
let panel = null;
let loading = null;
let focusOnLoad = false;  // the tab was clicked before the panel existed: its heading takes the focus once it does

/** The panel once loaded (tests read its charts). */
export const networkPanel = () => panel;

export default {
  deps: ['view', 'net', 'netCmp', 'eps', 'lang', 'theme', 'systemDark', 'expr', 'cls'],
  pending: () => !!loading || (panel?.pending() ?? false),
  mount() {
    document.querySelector('.tab[data-view="network"]').addEventListener('click', () => { focusOnLoad = !panel; });
  },
  render(s, changed, ctx) {
    if (s.view !== 'network') return undefined;
    if (panel) return panel.render(s);
    loading ??= import('../ui/network-panel.js').then(({ mountNetwork }) => {
      panel = mountNetwork($('view-network'), ctx);
      loading = null;
      panel.render(ctx.store.get());
      if (focusOnLoad) {
        $('net-title').scrollIntoView({ block: 'start' });
        $('net-title').focus({ preventScroll: true });
      }
    });
    return loading;
  },
};
