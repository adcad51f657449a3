// The ticket page's sections without reloads. Every form inside a [data-section] (checklist,
// chat and replies, attachments, the edit form) posts with htmx to its own action and the section
// is swapped for the server's HTML of it (the view redirects an htmx post to the section alone,
// and its refusals come back as that HTML with their 400, 409 or 413). Without JavaScript, or
// before htmx has loaded, the forms post and reload the page as they always did.
// While a post is under way the section is aria-busy and the form's buttons are disabled; a file
// upload shows its progress in the form's <progress data-upload-progress>. Afterwards focus goes
// back where the user was: the same field of an add form (data-form), emptied by the server, for
// the next item or note; the same control of the same row (data-item, or the row's id).
(function () {
  "use strict";

  // What a refused post's section says when the answer is not the section (a proxy's 413, a 500).
  const FAILURES = {
    413: "That is too large for the server. Nothing was saved.",
    0: "The server could not be reached. Nothing was saved; try again.",
  };
  const FAILED = "That could not be saved. Try again, or reload the page.";

  function sectionOf(element) {
    return element.closest("[data-section]");
  }

  function isVisible(element) {
    return !!element && element.getClientRects().length > 0;
  }

  // Where focus should return once the section is redrawn: the form's key (data-form), or its row
  // and, within the row, which of its forms (a move's direction, else the form's class).
  function focusPlan(form) {
    const row = form.closest("[data-item], li[id]");
    const direction = form.querySelector('input[name="direction"]');
    return {
      form: form.dataset.form || null,
      row: row ? (row.id ? "#" + row.id : '[data-item="' + row.dataset.item + '"]') : null,
      direction: direction ? direction.value : null,
      formClass: form.classList[0] || null,
      field: document.activeElement && form.contains(document.activeElement)
        ? document.activeElement.name || null
        : null,
    };
  }

  function control(form, field) {
    const named = field && form.querySelector('[name="' + field + '"]:not([type="hidden"])');
    return named || form.querySelector("textarea, input:not([type=hidden]), select, button");
  }

  function restoreFocus(section, plan) {
    let target = null;
    if (plan.form) {
      const form = section.querySelector('[data-form="' + plan.form + '"]');
      target = form && control(form, plan.field);
    } else if (plan.row) {
      const row = section.querySelector(plan.row);
      if (row) {
        const forms = Array.from(row.querySelectorAll("form"));
        const same = forms.find((form) => {
          const direction = form.querySelector('input[name="direction"]');
          if (plan.direction) return direction && direction.value === plan.direction;
          return !direction && plan.formClass && form.classList.contains(plan.formClass);
        });
        target = (same && control(same, plan.field)) || row.querySelector("button, summary");
      }
    }
    if (target && !isVisible(target)) {
      const folded = target.closest("details");
      target = folded ? folded.querySelector("summary") : null;
    }
    if (!target) {
      // The row went away (deleted): the section's add field, else the section itself.
      const adder = section.querySelector("[data-form]");
      target = adder && control(adder, null);
    }
    if (!isVisible(target)) {
      section.tabIndex = -1;
      target = section;
    }
    target.focus();
  }

  function setBusy(form, busy) {
    const section = sectionOf(form);
    if (section) section.setAttribute("aria-busy", String(busy));
    form.querySelectorAll("button").forEach((button) => {
      button.disabled = busy;
    });
  }

  function sayFailure(section, status) {
    let box = section.querySelector(".section-messages");
    if (!box) {
      box = document.createElement("div");
      box.className = "section-messages";
      section.prepend(box);
    }
    const message = document.createElement("p");
    message.className = "message message--error";
    message.setAttribute("role", "alert");
    message.textContent = FAILURES[status] || FAILED;
    box.replaceChildren(message);
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const section = sectionOf(form);
    if (!section || !window.htmx || event.defaultPrevented) return;
    if (form.method.toLowerCase() !== "post") return;
    event.preventDefault();
    if (section.getAttribute("aria-busy") === "true") return; // one post at a time per section
    const plan = focusPlan(form);
    const id = section.id;
    window.htmx
      .ajax("POST", form.action, { source: form, target: section, swap: "outerHTML" })
      .then(() => {
        const redrawn = document.getElementById(id);
        if (redrawn && redrawn !== section) restoreFocus(redrawn, plan);
      });
  });

  document.addEventListener("htmx:beforeRequest", (event) => {
    if (sectionOf(event.target)) setBusy(event.target, true);
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.target;
    if (!sectionOf(form)) return;
    setBusy(form, false);
    const progress = form.querySelector("[data-upload-progress]");
    if (progress) progress.hidden = true;
  });

  // A refusal drawn by the server (the section's HTML, with its 400, 409 or 413) is swapped in like
  // any answer; anything else that failed is said in the section, which keeps what was typed.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const section = sectionOf(event.target);
    if (!section || !event.detail.isError) return;
    const xhr = event.detail.xhr;
    const drawn = (xhr.getResponseHeader("Content-Type") || "").startsWith("text/html") &&
      xhr.responseText.includes("data-section");
    if (drawn && xhr.status < 500) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    } else {
      sayFailure(section, xhr.status);
    }
  });

  document.addEventListener("htmx:sendError", (event) => {
    const section = sectionOf(event.target);
    if (section) sayFailure(section, 0);
  });

  // The upload's progress: htmx reports the request body's progress, then the answer's; the
  // first loadend is the upload's own, after which the bar is full.
  document.addEventListener("htmx:beforeSend", (event) => {
    const progress = event.target.querySelector && event.target.querySelector("[data-upload-progress]");
    if (!progress || !event.target.querySelector('input[type="file"]')) return;
    progress.value = 0;
    progress.hidden = false;
    progress.dataset.uploading = "true";
  });

  document.addEventListener("htmx:xhr:progress", (event) => {
    const progress = event.target.querySelector && event.target.querySelector("[data-upload-progress]");
    if (!progress || progress.dataset.uploading !== "true" || !event.detail.lengthComputable) return;
    progress.max = event.detail.total;
    progress.value = event.detail.loaded;
  });

  document.addEventListener("htmx:xhr:loadend", (event) => {
    const progress = event.target.querySelector && event.target.querySelector("[data-upload-progress]");
    if (!progress || progress.dataset.uploading !== "true") return;
    progress.value = progress.max;
    delete progress.dataset.uploading;
  });
})();
