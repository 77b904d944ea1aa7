// Small multiples: every function with its derivative at default parameters, one small uPlot
// each (built once, on first visit). A card is a button: click or Enter opens the function.
import uPlot from 'uplot';
import { css, num } from './plot.js';

export function buildGallery(root, functions, sampler, familyLabel, onOpen) {
  root.replaceChildren();
  const fg = css('--fg'), grid = css('--grid'), c0 = css('--c0'), c1 = css('--c1');
  const charts = [];
  for (const spec of functions) {
    const card = document.createElement('button');
    card.type = 'button';
    card.className = 'card';
    card.dataset.fn = spec.name;
    card.setAttribute('aria-label', spec.name);
    const title = document.createElement('span');
    title.className = 'card-title';
    title.textContent = spec.name;
    const fam = document.createElement('span');
    fam.className = 'card-family muted';
    fam.textContent = familyLabel(spec.family);
    const box = document.createElement('div');
    box.className = 'card-plot';
    card.append(title, fam, box);
    card.addEventListener('click', () => onOpen(spec.name));
    root.append(card);
    const c = sampler.curve(spec, {}, [-5, 5]);
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { show: false }, size: 28, font: '10px system-ui', values: (u, v) => v.map(num) };
    charts.push(new uPlot({
      width: box.clientWidth || 200, height: 120,  // the card's width (max 200 px): a fixed 200 overflowed narrow cards
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false } },
      axes: [axis, { ...axis, size: 34 }],
      series: [{}, { stroke: c0, width: 2, points: { show: false } }, { stroke: c1, width: 1.5, dash: [4, 3], points: { show: false } }],
    }, [c.x, c.f, c.df], box));
  }
  return charts;
}
