// The full new-ticket form (ticket_templates/new.html): picking a template fills the form in
// at once. The pick posts the form with `fill` through htmx and the server's form, as the
// template fills it (what the template does not set kept as typed), replaces this one; focus
// stays on the picker. Without JavaScript the form's Fill in button does the same with a reload.
(function () {
  "use strict";

  document.addEventListener("change", (event) => {
    const picker = event.target;
    const form = picker.closest("#new-ticket-form");
    if (!form || picker.name !== "template" || !window.htmx) return;
    const fill = form.querySelector("[data-template-fill]");
    // The source's fields go along (ticked tags and people included), and the button's name.
    htmx.ajax("POST", form.action, {
      source: form,
      target: "#new-ticket-form",
      select: "#new-ticket-form",
      swap: "outerHTML",
      values: { [fill.name]: fill.value },
    }).then(() => {
      // The new form's picker, found by its id: where the choice was made, focus stays.
      const again = document.getElementById(picker.id);
      if (again) again.focus();
    });
  });
})();
