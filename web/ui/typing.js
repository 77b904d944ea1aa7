// A text box whose value reaches the state after a pause in typing; pending() tells idle()
// an edit is on its way, and flush() applies it at once (the page is being left). A box is a
// textarea or the code editor that replaces it (ui/editor.js), which has the same interface.
export function typedInto(box, store, key, delay) {
  let timer = 0;
  box.addEventListener('input', () => {
    clearTimeout(timer);
    const v = box.value;
    timer = setTimeout(() => { timer = 0; store.set({ [key]: v }); }, delay(v));
  });
  return {
    pending: () => timer !== 0,
    flush() {
      if (!timer) return;
      clearTimeout(timer);
      timer = 0;
      store.set({ [key]: box.value });
    },
  };
}

/** Whether the user is in the box (the code editor's focus is on an element inside it). */
export const hasFocus = (box) => box.hasFocus ?? document.activeElement === box;
