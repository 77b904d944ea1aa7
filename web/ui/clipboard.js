// Copy to the clipboard and say so on the button for a moment; `fallback` runs where there is no
// clipboard (an insecure context, a denied permission).
import { t } from './i18n.js';

export async function copyWithFeedback(button, text, lang, label, fallback) {
  try {
    await navigator.clipboard.writeText(text);
    // The button keeps its width through "Copied", so the header does not reflow.
    button.style.minWidth = `${button.offsetWidth}px`;
    button.textContent = t(lang(), 'copied');
    clearTimeout(button.copyTimer);
    button.copyTimer = setTimeout(() => (button.textContent = t(lang(), label)), 1500);
  } catch {
    fallback?.();
  }
}
