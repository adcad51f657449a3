// Draws the dashboard's charts (Chart.js, installed from npm) from the numbers the page carries
// as JSON; the same numbers are in the tables beside each chart.
(function () {
  "use strict";
  const source = document.getElementById("metrics-data");
  if (!source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const css = getComputedStyle(document.documentElement);
  const colour = (name, fallback) => css.getPropertyValue(name).trim() || fallback;

  new Chart(document.getElementById("chart-volume"), {
    type: "bar",
    data: {
      labels: data.weeks,
      datasets: [
        { label: "Created", data: data.created, backgroundColor: colour("--color-primary", "#4f46e5") },
        { label: "Resolved", data: data.resolved, backgroundColor: colour("--status-resolved", "#17b26a") },
      ],
    },
    options: { responsive: true, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });

  new Chart(document.getElementById("chart-scores"), {
    type: "line",
    data: {
      labels: data.score_weeks,
      datasets: [
        { label: "NPS", data: data.nps, borderColor: colour("--color-primary", "#4f46e5"), yAxisID: "nps", spanGaps: true },
        { label: "CSAT", data: data.csat, borderColor: colour("--priority-high", "#e0620c"), yAxisID: "csat", spanGaps: true },
      ],
    },
    options: {
      responsive: true,
      animation: false,
      scales: {
        nps: { position: "left", min: -100, max: 100 },
        csat: { position: "right", min: 1, max: 5, grid: { drawOnChartArea: false } },
      },
    },
  });
  document.body.dataset.chartsDrawn = "true";
})();
