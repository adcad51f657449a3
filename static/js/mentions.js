// @mention autocomplete in the chat's compose boxes (textarea[data-mentions]): typing @ and a
// few letters offers the board's members, by name and username, in a listbox under the box.
// Arrows choose, Enter or Tab takes, Escape closes; the box keeps focus throughout
// (aria-activedescendant), and "@username " is written in place of what was typed.
// The members come from the page: the JSON script whose id the textarea names.
(function () {
  "use strict";

  const MOST = 8;
  const TYPED = /(?:^|[^\w@])@([\w.+-]{0,150})$/;
  let boxes = 0;

  function setUp(textarea) {
    const source = document.getElementById(textarea.dataset.mentions);
    if (!source) return;
    const people = JSON.parse(source.textContent);
    const id = `mentions-${++boxes}`;
    const list = document.createElement("ul");
    list.id = id;
    list.className = "mentions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Board members to mention");
    list.hidden = true;
    const status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    textarea.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", id);

    let shown = [];
    let active = -1;
    let start = -1; // where the @ of the mention being typed is

    function close() {
      list.hidden = true;
      shown = [];
      active = -1;
      textarea.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      Array.from(list.children).forEach((option, at) => {
        option.setAttribute("aria-selected", at === index ? "true" : "false");
      });
      textarea.setAttribute("aria-activedescendant", `${id}-${index}`);
      list.children[index].scrollIntoView({ block: "nearest" });
    }

    function offer() {
      const before = textarea.value.slice(0, textarea.selectionStart);
      const typed = textarea.selectionStart === textarea.selectionEnd && TYPED.exec(before);
      if (!typed) { close(); return; }
      const query = typed[1].toLowerCase();
      start = before.length - typed[1].length - 1;
      shown = people.filter((person) =>
        person.username.toLowerCase().startsWith(query) ||
        person.name.toLowerCase().split(/\s+/).some((word) => word.startsWith(query)),
      ).slice(0, MOST);
      if (!shown.length) { close(); status.textContent = "No member matches."; return; }
      list.replaceChildren(...shown.map((person, index) => {
        const option = document.createElement("li");
        option.id = `${id}-${index}`;
        option.className = "mentions__option";
        option.setAttribute("role", "option");
        const name = document.createElement("span");
        name.className = "mentions__name";
        name.textContent = person.name;
        const username = document.createElement("span");
        username.className = "mentions__username";
        username.textContent = `@${person.username}`;
        option.append(name, " ", username);
        // mousedown, not click: the textarea must not lose focus (and the choice) first.
        option.addEventListener("mousedown", (event) => { event.preventDefault(); pick(index); });
        return option;
      }));
      list.hidden = false;
      highlight(0);
      status.textContent = `${shown.length} member${shown.length === 1 ? "" : "s"} found: arrows to choose, Enter to mention.`;
    }

    function pick(index) {
      const person = shown[index];
      if (!person) return;
      const end = textarea.selectionStart;
      const text = `@${person.username} `;
      textarea.setRangeText(text, start, end, "end");
      close();
      status.textContent = `${person.name} mentioned.`;
      textarea.focus();
    }

    textarea.addEventListener("input", offer);
    textarea.addEventListener("click", offer);
    textarea.addEventListener("blur", close);
    textarea.addEventListener("keydown", (event) => {
      if (list.hidden) return;
      if (event.key === "ArrowDown") highlight((active + 1) % shown.length);
      else if (event.key === "ArrowUp") highlight((active - 1 + shown.length) % shown.length);
      else if (event.key === "Enter" || event.key === "Tab") pick(active);
      else if (event.key === "Escape") { close(); event.stopPropagation(); } else return;
      event.preventDefault();
    });
  }

  function setUpAll(root) {
    root.querySelectorAll("textarea[data-mentions]:not([data-mentions-ready])").forEach((textarea) => {
      textarea.dataset.mentionsReady = "true";
      setUp(textarea);
    });
  }

  setUpAll(document);
  // Compose boxes that htmx swaps in later get the same.
  document.addEventListener("htmx:afterSwap", (event) => setUpAll(event.target));
})();
