// The UI languages: the one list the link codec, the string tables, the notes and the language
// menu are checked against (tests/js/i18n.test.js).
export const LANGUAGES = Object.freeze({
  en: Object.freeze({ name: 'English', tag: 'en' }),
  zh: Object.freeze({ name: '简体中文', tag: 'zh-Hans' }),
});

/** The UI language for a browser language tag (navigator.language): its own if we have it, else English. */
export function preferredLanguage(tag) {
  const t = String(tag ?? '').toLowerCase();
  return Object.keys(LANGUAGES).find((code) => t === code || t.startsWith(`${code}-`)) ?? 'en';
}
