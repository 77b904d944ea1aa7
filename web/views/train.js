// The training lab (view=train): a small network trained on 2-D data with torch.optim, step by
// step, several activations side by side. Everything heavy (the panel, its charts, the worker
// that trains) loads the first time the tab opens: this module is in the first view's bundle and
// stays a stub.
const $ = (id) => document.getElementById(id);
let panel = null;
let loading = null;
let focusOnLoad = false;

/** The panel once loaded (tests read its status and charts). */
export const trainPanel = () => panel;

export default {
  deps: ['view', 'train', 'eps', 'lang', 'theme', 'systemDark', 'expr', 'cls'],
  pending: () => !!loading || (panel?.pending() ?? false),
  mount() {
    document.querySelector('.tab[data-view="train"]').addEventListener('click', () => { focusOnLoad = !panel; });
  },
  render(s, changed, ctx) {
    if (s.view !== 'train') {
      panel?.pause();  // a hidden lab does not go on training
      return undefined;
    }
    if (panel) return panel.render(s);
    loading ??= import('../ui/train-panel.js').then(({ mountTrain }) => {
      panel = mountTrain($('view-train'), ctx);
      loading = null;
      panel.render(ctx.store.get());
      if (focusOnLoad) {
        $('tr-title').scrollIntoView({ block: 'start' });
        $('tr-title').focus({ preventScroll: true });
      }
    });
    return loading;
  },
};
