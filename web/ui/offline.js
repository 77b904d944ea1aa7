// Offline use: registers the service worker (vite-plugin-pwa's Workbox build, see vite.config.js)
// once the playground is idle after its first curve, so nothing here delays it. A new version
// installs in the background and waits; the notice (#update) offers Reload, which lets it take
// over and reloads the page, rather than swapping code under a page in use.
import { registerSW } from 'virtual:pwa-register';

const $ = (id) => document.getElementById(id);

/** Register the worker; resolves with its registration (undefined where there is none). */
export function registerOffline() {
  if (!('serviceWorker' in navigator)) return Promise.resolve(undefined);
  let reloading = false;
  const reload = () => {
    if (reloading) return;
    reloading = true;
    location.reload();
  };
  return new Promise((resolve) => {
    const update = registerSW({
      immediate: true,
      onNeedRefresh() { $('update').hidden = false; },
      onNeedReload: reload,
      onRegisteredSW(url, registration) { resolve(registration); },
      onRegisterError() { resolve(undefined); },  // e.g. a non-secure origin: the page works online as before
    });
    $('update-reload').addEventListener('click', () => {
      $('update-reload').disabled = true;
      // Reload once the new worker controls the page. Listened for here too because a page that
      // came under the worker after it loaded (the first visit) is one workbox-window does not
      // count as updated, and would not reload.
      navigator.serviceWorker.addEventListener('controllerchange', reload);
      update(true);
    });
  });
}
