// Elements built from props and children for the labs' panels: text only (textContent, attributes),
// so nothing from the state, a link or a text box is ever parsed as markup.
export function h(tag, props = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k === 'i18n') e.dataset.i18n = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  e.append(...kids.filter((c) => c != null));
  return e;
}
