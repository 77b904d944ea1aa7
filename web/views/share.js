// Sharing: every state change is written to the URL hash (a drag or a typing burst is one history
// entry); back/forward and edited links are read back; Copy link and Copy embed code; what a link
// cannot hold is said next to them, downloadable, and kept in this browser for a reload.
import { t } from '../ui/i18n.js';
import { linkHasExpr } from '../ui/custom.js';
import { copyWithFeedback } from '../ui/clipboard.js';

const $ = (id) => document.getElementById(id);
const DRAFT_HASH = 'actlab:draft-hash', DRAFT_TEXTS = 'actlab:draft-texts';
const TEXT_KEYS = ['expr', 'tensor', 'grad'];

/** The texts a reload of this very link left out of it, kept by a previous visit. */
export function readDraft(hash) {
  try {
    if (localStorage.getItem(DRAFT_HASH) !== hash) return {};
    const d = JSON.parse(localStorage.getItem(DRAFT_TEXTS));
    return Object.fromEntries(TEXT_KEYS.filter((k) => typeof d?.[k] === 'string' || (k === 'grad' && d?.[k] === null)).map((k) => [k, d[k]]));
  } catch {
    return {};  // storage unavailable (sandboxed, private mode) or not ours
  }
}

// The texts last written (compared by identity: a drag does not re-serialize megabytes of console
// text, nor retry a write the quota refused).
let draftFor = null;
let draftSaved = true;
function saveDraft(s, h, leftOut) {
  try {
    if (!leftOut.some((o) => TEXT_KEYS.includes(o.key))) {
      if (draftFor !== null) { localStorage.removeItem(DRAFT_HASH); localStorage.removeItem(DRAFT_TEXTS); }
      draftFor = null;
      draftSaved = true;
      return;
    }
    if (!draftFor || TEXT_KEYS.some((k, i) => draftFor[i] !== s[k])) {
      draftFor = TEXT_KEYS.map((k) => s[k]);
      draftSaved = false;
      localStorage.setItem(DRAFT_TEXTS, JSON.stringify(Object.fromEntries(TEXT_KEYS.map((k) => [k, s[k]]))));
      draftSaved = true;
    }
    if (draftSaved) localStorage.setItem(DRAFT_HASH, h);
  } catch {
    draftSaved = false;  // over the storage quota, or no storage
  }
}

function renderLinkStatus(s, leftOut, store) {
  const box = $('link-status');
  box.hidden = !leftOut.length;
  if (!leftOut.length) return;
  $('link-status-title').textContent = t(s.lang, draftSaved ? 'leftOutTitle' : 'leftOutUnsaved');
  $('link-status-list').replaceChildren(...leftOut.map(({ key, why }) => {
    const li = document.createElement('li');
    li.dataset.key = key;
    li.append(`${TEXT_KEYS.includes(key) ? t(s.lang, `field_${key}`) : key}: ${why} `);
    if (TEXT_KEYS.includes(key) && s[key] != null) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'linkish';
      b.textContent = t(s.lang, 'download');
      const [name, type] = key === 'expr' ? ['custom_activation.py', 'text/x-python'] : [`${key}.txt`, 'text/plain'];
      b.addEventListener('click', async () => (await import('../ui/export.js')).download(name, store.get()[key] ?? '', type));
      li.append(b);
    }
    return li;
  }));
}

export function showNotices(notices) {
  $('notice-list').replaceChildren(...notices.map((n) => { const li = document.createElement('li'); li.textContent = n; return li; }));
  $('notice').hidden = !notices.length;
}

const attr = (v) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

let lastPush = -Infinity, lastWrite = -Infinity, timer = 0, applying = false;

export default {
  deps: ['*'],
  first: true,  // the URL follows the state from the first change on
  pending: () => timer !== 0,
  mount(ctx) {
    const { store, cat } = ctx;
    // The link of a state, and what it leaves out. An expression that does not compile stays
    // out: the link holds the last one that did.
    this.report = (s) => {
      const broken = s.expr !== (cat.custom?.source ?? '') && cat.lab.hasExpr;
      const r = cat.codec.encodeReport(broken ? { ...s, expr: cat.custom?.source ?? '' } : s);
      if (broken) r.leftOut.push({ key: 'expr', why: t(s.lang, 'exprNotCompiled') });
      return r;
    };
    this.writeUrl = () => {
      timer = 0;
      const s = store.get();
      const { hash: h, leftOut } = this.report(s);
      saveDraft(s, h, leftOut);
      renderLinkStatus(s, leftOut, store);
      if (h === location.hash.slice(1)) return;
      const url = `${location.pathname}${location.search}${h ? `#${h}` : ''}`;
      // A drag or a typing burst is one history entry: within 600 ms the entry is replaced.
      const now = performance.now();
      if (applying || now - lastPush < 600) history.replaceState(null, '', url);
      else history.pushState(null, '', url);
      lastPush = lastWrite = now;
    };
    const applyHash = async () => {
      if (linkHasExpr(location.hash.slice(1)) && !cat.lab.hasExpr) await cat.upgrade();
      const { state, notices } = ctx.decode();
      const cur = store.get();
      const params = { ...cur.params };
      if (state.params[state.fn]) params[state.fn] = state.params[state.fn];
      else delete params[state.fn];
      applying = true;
      store.set({ ...state, params, query: cur.query }, { now: true });
      applying = false;
      showNotices(notices);
    };
    addEventListener('popstate', applyHash);
    addEventListener('hashchange', () => { if (cat.codec.encode(store.get()) !== location.hash.slice(1)) applyHash(); });
    $('notice-close').addEventListener('click', () => ($('notice').hidden = true));
    const lang = () => store.get().lang;
    $('copy-link').addEventListener('click', () => copyWithFeedback($('copy-link'), location.href, lang, 'copyLink',
      () => showNotices([`${t(store.get().lang, 'copyManually')} ${location.href}`])));
    $('copy-embed').addEventListener('click', () => {
      const src = new URL(`embed.html#${cat.codec.encode(store.get())}`, location.href).href;
      const s = store.get();
      const title = s.view === 'network' ? `actlab: ${t(s.lang, 'viewNetwork')}` : `actlab: ${ctx.plot.uplot.series.filter((x, i) => i % 2 === 1).map((x) => x.label).join(', ')}`;
      const code = `<iframe src="${attr(src)}" title="${attr(title)}" sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" loading="lazy" style="width:100%;height:440px;border:0"></iframe>\n` +
        "<script>addEventListener('message',e=>{if(e.data&&e.data.type==='actlab:height')for(const f of document.querySelectorAll('iframe'))if(f.contentWindow===e.source)f.style.height=e.data.height+'px'})</script>";
      $('embed-code').value = code;
      $('embed-box').hidden = false;
      $('embed-code').select();
      copyWithFeedback($('copy-embed'), code, lang, 'copyEmbed');
    });
    $('embed-close').addEventListener('click', () => ($('embed-box').hidden = true));
    // Leaving or reloading: the newest text is in the link or in storage, even mid-debounce.
    addEventListener('pagehide', () => {
      for (const v of ctx.views) v.flush?.();
      store.flush();
      this.writeUrl();
    });
  },
  render(s, changed, { store, cat }) {
    if (changed.has('init')) {
      renderLinkStatus(s, this.report(s).leftOut, store);
      return;
    }
    // History calls cost ~1 ms: during a drag the URL follows at most every 200 ms (and at the end).
    if (applying || performance.now() - lastWrite > 200) this.writeUrl();
    else if (!timer) timer = setTimeout(this.writeUrl, 200);
  },
};
