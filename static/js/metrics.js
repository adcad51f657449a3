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
  new Chart(document.getElementById("chart-agents"), {
    type: "bar",
    data: {
      labels: data.agents,
      datasets: [
        { label: "Resolved", data: data.agent_resolved, backgroundColor: colour("--status-resolved", "#17b26a"), yAxisID: "tickets" },
        { label: "Hours per ticket", data: data.agent_hours, backgroundColor: colour("--color-primary", "#4f46e5"), yAxisID: "hours" },
      ],
    },
    options: {
      responsive: true,
      animation: false,
      scales: {
        tickets: { position: "left", beginAtZero: true, ticks: { precision: 0 } },
        hours: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } },
      },
    },
  });

  // Cumulative flow: one band per column, the done columns at the bottom as is the custom.
  const palette = ["#4f46e5", "#0ea5e9", "#f59e0b", "#ec4899", "#8b5cf6", "#14b8a6", "#ef4444", "#84cc16"];
  new Chart(document.getElementById("chart-flow"), {
    type: "line",
    data: {
      labels: data.flow_days,
      datasets: data.flow
        .map((column, index) => ({
          label: column.name,
          data: column.counts,
          fill: true,
          pointRadius: 0,
          borderWidth: 1,
          borderColor: palette[index % palette.length],
          backgroundColor: palette[index % palette.length] + "99",
        }))
        .reverse(),
    },
    options: {
      responsive: true,
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: { y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
  document.body.dataset.chartsDrawn = "true";
})();
