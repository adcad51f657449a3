// "Undo" for a few seconds after a change that can be taken back: a move on the board
// (board-moves.js calls window.csUndo.offer) and an archived ticket (the server's message
// carries an Undo form, tickets.views.ticket_delete). The toast is a polite status: it is read
// out, its button is reachable by Tab, and focus stays where it was.
(function () {
  "use strict";

  const SECONDS = 8;
  let current = null; // {toast, timer}

  function dismiss() {
    if (!current) return;
    window.clearTimeout(current.timer);
    current.toast.remove();
    current = null;
  }

  // Show `text` with an Undo button; `undo` (async) returns a refusal's words or null.
  function offer(text, undo) {
    dismiss();
    const toast = document.createElement("div");
    toast.className = "toast toast--undo";
    toast.setAttribute("role", "status");
    toast.dataset.undoToast = "";
    const words = document.createElement("span");
    words.textContent = text;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary button--small";
    button.textContent = "Undo";
    toast.append(words, button);
    document.body.append(toast);
    const mine = { toast, timer: window.setTimeout(dismiss, SECONDS * 1000) };
    current = mine;
    // Hovering or tabbing into it holds it open: nobody loses the button while reaching for it.
    const hold = () => window.clearTimeout(mine.timer);
    const release = () => { mine.timer = window.setTimeout(dismiss, SECONDS * 1000); };
    toast.addEventListener("pointerenter", hold);
    toast.addEventListener("pointerleave", release);
    toast.addEventListener("focusin", hold);
    toast.addEventListener("focusout", release);
    button.addEventListener("click", async () => {
      button.disabled = true;
      const refusal = await undo();
      if (current !== mine) return;
      window.clearTimeout(mine.timer);
      button.remove();
      words.textContent = refusal ? `Could not undo: ${refusal}` : "Undone.";
      mine.timer = window.setTimeout(dismiss, (refusal ? SECONDS : 3) * 1000);
    });
  }

  // The server's Undo forms (an archived ticket): they go with their message after a while.
  document.querySelectorAll("[data-undo-form]").forEach((form) => {
    let timer = window.setTimeout(() => form.remove(), SECONDS * 1000);
    form.addEventListener("focusin", () => window.clearTimeout(timer));
    form.addEventListener("focusout", () => { timer = window.setTimeout(() => form.remove(), SECONDS * 1000); });
  });

  window.csUndo = { offer, dismiss };
})();
