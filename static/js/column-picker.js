// The phone's column picker: its links (#column-<id>) work without a script, but a browser's
// jump to a fragment only brings the column's heading to the nearest edge of the strip, half
// out of view; this brings the whole column to the strip's start, where it snaps. When the live
// board redraws its columns (board-live.js: a column added, renamed, removed or moved), the
// picker is drawn again from them.
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    const link = event.target.closest(".column-picker__link");
    const heading = link && document.getElementById(link.hash.slice(1));
    if (!heading) return;
    event.preventDefault();
    heading.closest(".column").scrollIntoView({ block: "nearest", inline: "start" });
  });

  document.addEventListener("board:replaced", () => {
    const picker = document.querySelector(".column-picker");
    if (!picker) return;
    const links = Array.from(document.querySelectorAll(".board section.column[data-column]")).map(
      (column) => {
        const link = document.createElement("a");
        link.className = "column-picker__link";
        link.href = `#column-${column.dataset.column}`;
        link.textContent = column.dataset.name; // text, never markup
        return link;
      },
    );
    picker.replaceChildren(...links);
    picker.hidden = links.length < 2;
  });
})();
