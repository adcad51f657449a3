// The quick add of each column without a reload: the form (.quick-add, inside the [data-board]
// columns) posts with htmx and the board's columns come back with the new card among them
// (tickets.views.ticket_new), swapped in as the live redraw swaps them; the field, found again by
// its id, is empty and keeps the focus, so the next card is typed straight away. A refusal (a
// column at its WIP limit, a blank title) comes back as one line, shown under the field. Without
// JavaScript the form posts and the board reloads as it always did.
(function () {
  "use strict";

  function announce(text) {
    const announcer = document.querySelector("[data-announcer]");
    if (announcer) announcer.textContent = text;
  }

  function sayRefusal(form, html) {
    const old = form.parentElement.querySelector(".quick-add__error");
    if (old) old.remove();
    form.insertAdjacentHTML("afterend", html);
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const board = form.closest("[data-board]");
    if (!form.classList.contains("quick-add") || !board || !window.htmx) return;
    event.preventDefault();
    const field = form.querySelector(".quick-add__input");
    const title = field.value;
    const column = form.closest(".column");
    const columnName = column ? column.dataset.name || "" : "";
    form.setAttribute("aria-busy", "true");
    form.querySelectorAll("button").forEach((button) => (button.disabled = true));
    window.htmx
      .ajax("POST", form.action, {
        source: form,
        target: board,
        swap: "innerHTML",
        handler: (elt, response) => {
          const xhr = response.xhr;
          if (xhr.status !== 200) {
            form.removeAttribute("aria-busy");
            form.querySelectorAll("button").forEach((button) => (button.disabled = false));
            const line = xhr.responseText.startsWith('<p class="quick-add__error"')
              ? xhr.responseText
              : '<p class="quick-add__error" role="alert">That ticket could not be added. Try again.</p>';
            sayRefusal(form, line);
            field.focus();
            return;
          }
          window.htmx.swap(board, xhr.response, { swapStyle: "innerHTML" });
          // The board's scripts set up the new cards (movable, draggable), as after a live redraw.
          document.dispatchEvent(new CustomEvent("board:replaced"));
          const again = document.getElementById(field.id);
          if (again) again.focus();
          announce(`Added “${title}”${columnName ? " to " + columnName : ""}.`);
        },
      });
  });
})();
