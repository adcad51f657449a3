// Macros in a ticket's reply and note boxes ([data-macro-picker], beside each box): "Insert
// macro", or Ctrl/⌘-Shift-M in the box, opens a type-ahead list of the macros of that box's kind
// (the page's JSON script "macros": the board's shared ones and the user's own). Arrows choose,
// Enter takes, Escape closes; focus returns to the box, filled with the macro's text as the
// server fills it in for this ticket (POST …/macros/<id>/render/). A macro with actions adds a
// ticked "Also: …" box to the form: while ticked the form posts to the picker's apply address
// (macros:apply), which sends the text and applies the actions in one go.
(function () {
  "use strict";

  let opened = 0;

  function macros() {
    const source = document.getElementById("macros");
    return source ? JSON.parse(source.textContent) : [];
  }

  function close(picker, focusBox) {
    const popup = picker.querySelector(".macro-picker__popup");
    if (popup) popup.remove();
    picker.querySelector("[data-macro-open]").setAttribute("aria-expanded", "false");
    if (focusBox) picker.closest("form").querySelector("textarea").focus();
  }

  function chooseActions(picker, macro) {
    const form = picker.closest("form");
    form.dataset.defaultAction = form.dataset.defaultAction || form.getAttribute("action");
    let choice = form.querySelector(".macro-picker__apply");
    if (!macro.actions) {
      if (choice) choice.remove();
      form.setAttribute("action", form.dataset.defaultAction);
      return;
    }
    if (!choice) {
      choice = document.createElement("label");
      choice.className = "macro-picker__apply";
      choice.innerHTML = '<input type="checkbox" checked> <span></span><input type="hidden" name="macro">';
      picker.insertAdjacentElement("afterend", choice);
    }
    choice.querySelector("span").textContent = `Also apply “${macro.name}”: ${macro.actions}`;
    choice.querySelector('input[name="macro"]').value = macro.id;
    const box = choice.querySelector('input[type="checkbox"]');
    const point = () => {
      form.setAttribute("action", box.checked ? picker.dataset.applyUrl : form.dataset.defaultAction);
      choice.querySelector('input[name="macro"]').disabled = !box.checked;
    };
    box.checked = true;
    box.onchange = point;
    point();
  }

  async function take(picker, macro, status) {
    const response = await fetch(`${picker.dataset.macrosUrl}${macro.id}/render/`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": picker.dataset.csrf },
      body: JSON.stringify({ ticket: Number(picker.dataset.ticket) }),
    });
    if (!response.ok) {
      const answer = await response.json().catch(() => ({}));
      status.textContent = answer.detail || "That macro could not be filled in.";
      return;
    }
    const { body } = await response.json();
    const textarea = picker.closest("form").querySelector("textarea");
    textarea.value = textarea.value.trim() ? `${textarea.value.trimEnd()}\n\n${body}` : body;
    chooseActions(picker, macro);
    close(picker, true);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function open(picker) {
    if (picker.querySelector(".macro-picker__popup")) return;
    const mine = macros().filter((macro) => macro.kind === picker.dataset.kind);
    const id = `macro-list-${++opened}`;
    const popup = document.createElement("div");
    popup.className = "macro-picker__popup";
    popup.innerHTML =
      `<label class="visually-hidden" for="${id}-input">Macro name</label>` +
      `<input id="${id}-input" type="text" role="combobox" autocomplete="off" aria-autocomplete="list" aria-expanded="true" aria-controls="${id}" placeholder="Type a macro’s name">` +
      `<ul id="${id}" class="macro-picker__list" role="listbox" aria-label="Macros"></ul>` +
      `<p class="macro-picker__status" role="status"></p>`;
    picker.appendChild(popup);
    picker.querySelector("[data-macro-open]").setAttribute("aria-expanded", "true");
    const input = popup.querySelector("input");
    const list = popup.querySelector("ul");
    const status = popup.querySelector("p");
    let shown = [];
    let active = 0;

    function draw() {
      const typed = input.value.trim().toLowerCase();
      shown = mine.filter((macro) => macro.name.toLowerCase().includes(typed));
      active = Math.min(active, Math.max(shown.length - 1, 0));
      list.replaceChildren(
        ...shown.map((macro, index) => {
          const option = document.createElement("li");
          option.id = `${id}-${index}`;
          option.className = "macro-picker__option";
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", index === active ? "true" : "false");
          option.textContent = macro.name + (macro.shared ? "" : " (mine)");
          option.addEventListener("mousedown", (event) => {
            event.preventDefault();
            take(picker, macro, status);
          });
          return option;
        })
      );
      if (shown.length) input.setAttribute("aria-activedescendant", `${id}-${active}`);
      else input.removeAttribute("aria-activedescendant");
      status.textContent = mine.length
        ? `${shown.length} macro${shown.length === 1 ? "" : "s"}`
        : "No macros for this box yet: add them on the board’s Macros page.";
    }

    input.addEventListener("input", () => {
      active = 0;
      draw();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (shown.length) active = (active + (event.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
        draw();
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (shown[active]) take(picker, shown[active], status);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close(picker, true);
      }
    });
    input.addEventListener("blur", () => setTimeout(() => {
      if (!popup.contains(document.activeElement)) close(picker, false);
    }, 150));
    draw();
    input.focus();
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-macro-open]");
    if (button) open(button.closest("[data-macro-picker]"));
  });

  document.addEventListener("keydown", (event) => {
    const box = event.target.closest && event.target.closest("textarea");
    if (!box || !(event.ctrlKey || event.metaKey) || !event.shiftKey) return;
    if (event.key.toLowerCase() !== "m") return;
    const picker = box.closest("form") && box.closest("form").querySelector("[data-macro-picker]");
    if (!picker) return;
    event.preventDefault();
    open(picker);
  });
})();
