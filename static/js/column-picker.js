// The phone's column picker: its links (#column-<id>) work without a script, but a browser's
// jump to a fragment only brings the column's heading to the nearest edge of the strip, half
// out of view; this brings the whole column to the strip's start, where it snaps.
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    const link = event.target.closest(".column-picker__link");
    const heading = link && document.getElementById(link.hash.slice(1));
    if (!heading) return;
    event.preventDefault();
    heading.closest(".column").scrollIntoView({ block: "nearest", inline: "start" });
  });
})();
