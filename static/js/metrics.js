// Draws the dashboard's charts (Chart.js, installed from npm) from the numbers the page carries
// as JSON; the same numbers are in the tables beside each chart.
(function () {
  "use strict";
  const source = document.getElementById("metrics-data");
  if (!source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  // The tokens are `light-dark(…)` pairs (static/css/tokens.css), which Chart.js cannot read:
  // a probe element resolves one to the colour of the current theme.
  const probe = document.createElement("span");
  probe.hidden = true;
  document.body.append(probe);
  const colour = (name) => {
    probe.style.color = `var(${name})`;
    return getComputedStyle(probe).color;
  };
  const translucent = (rgb, alpha) => rgb.replace("rgb(", "rgba(").replace(")", `, ${alpha})`);
  Chart.defaults.color = colour("--color-text-muted");
  Chart.defaults.borderColor = colour("--color-border");

  new Chart(document.getElementById("chart-volume"), {
    type: "bar",
    data: {
      labels: data.weeks,
      datasets: [
        { label: "Created", data: data.created, backgroundColor: colour("--color-primary") },
        { label: "Resolved", data: data.resolved, backgroundColor: colour("--status-resolved") },
      ],
    },
    options: { responsive: true, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });

  new Chart(document.getElementById("chart-scores"), {
    type: "line",
    data: {
      labels: data.score_weeks,
      datasets: [
        { label: "NPS", data: data.nps, borderColor: colour("--color-primary"), yAxisID: "nps", spanGaps: true },
        { label: "CSAT", data: data.csat, borderColor: colour("--priority-high"), yAxisID: "csat", spanGaps: true },
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
        { label: "Resolved", data: data.agent_resolved, backgroundColor: colour("--status-resolved"), yAxisID: "tickets" },
        { label: "Hours per ticket", data: data.agent_hours, backgroundColor: colour("--color-primary"), yAxisID: "hours" },
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
  const palette = [0, 1, 2, 3, 4, 5, 6, 7].map((index) => colour(`--chart-${index}`));
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
          backgroundColor: translucent(palette[index % palette.length], 0.6),
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
  probe.remove();
  document.body.dataset.chartsDrawn = "true";
})();
